"""The feeds read by real calendar clients and parsers, not by mocks."""
