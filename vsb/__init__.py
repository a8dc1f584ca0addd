"""The VSB domain and the reference central zorgkassen application for MBE messages."""
