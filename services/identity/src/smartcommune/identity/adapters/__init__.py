"""Storage and crypto: the event-sourced repositories, read models and personal-data vault."""
