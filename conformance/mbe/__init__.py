"""Direction 2: certify MBE software, the harness playing the central application."""
