"""Importers: programmes from other systems' files, written through the confkit services."""
