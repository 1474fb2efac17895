//! Experiment configs: the TOML schema of SPEC 7.
