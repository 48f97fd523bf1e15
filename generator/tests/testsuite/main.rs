//! End-to-end tests of the `partner-center` generator: one test binary, a module per feature.

mod broken_content;
mod build_output;
mod cli;
mod click_journal;
mod doctor;
mod edge_data;
mod fuzz;
mod helpers;
mod import;
mod incremental;
mod serve;
mod snapshots;
mod two_factor;
