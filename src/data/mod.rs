//! Loading tables with polars and turning them into a design matrix (SPEC 2 and 7).
