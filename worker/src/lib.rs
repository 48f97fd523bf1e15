//! The edge app. Routes arrive with the worker issue; for now this crate holds the D1/SQLite
//! schema in `migrations/`, which the generator's seed SQL is written against.
