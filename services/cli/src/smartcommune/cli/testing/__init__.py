"""Test support shared by every service: real servers for integration and e2e tests."""
