"""The dossiers service: administrative-procedure dossiers and internal work records."""
