//! Read models of the case service, each fed from the case log.

pub mod case_view;
