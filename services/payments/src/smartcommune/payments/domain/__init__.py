"""The payments domain: accounts, merchants, cashless payments, dossier fees, VietQR — no I/O."""
