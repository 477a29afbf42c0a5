"""The identity service: pseudonymous residents and households, their VNeID levels, personal
data kept encrypted per resident, and the platform's internal CA and signing service."""
