//! Read models of the E-Akte: the documents with their versions and tags (from the E-Akte's
//! log) and the directory of cases (from the case log).

pub mod case_directory;
pub mod document_queries;
pub mod documents;
