"""Invoices, credit notes and their unbroken numbering (issue 16)."""
