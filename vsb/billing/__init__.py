"""Billing: shipments, their B/F/R checks, staff review, signing, settlement and payment."""
