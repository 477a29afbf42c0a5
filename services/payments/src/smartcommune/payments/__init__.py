"""Payments adoption service: accounts, cashless payments, merchants, VietQR, dossier fees."""
