"""What the conformance suite knows of billing, apart from its steps.

`books` keeps what the MBEs of a scenario billed (invoices and credit notes, the shipments they
went in, each shipment's settlement as last seen) and composes and sends shipments; `rules`
reads prestation codes, tariffs and error types from the rulebook and the catalogue;
`settlements` reads the invoice and line entries of a settlement and checks them. Every expected
value is the scenario text's or the rulebook's, never the reference engine's.
"""
