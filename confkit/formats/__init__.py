"""Renderers of the programme into the formats other programs read: iCal, frab XML and JSON."""
