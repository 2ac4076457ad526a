//! prom
