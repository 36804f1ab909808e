"""Fetch report pages and attachments from government portals into a raw archive."""
