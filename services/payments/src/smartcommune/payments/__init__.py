"""Payments adoption service: payment accounts, cashless payments, merchants, VietQR payloads and dossier fees."""
