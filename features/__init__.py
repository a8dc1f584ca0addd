"""The conformance suite's feature files as package data (`conformance.feature_files`, mapped
in pyproject.toml): no code here. Read them through `conformance.features.features_dir()`.
"""
