//! What can go wrong with templates. Every error names the file or the language and message
//! id, so a broken translation is found at start, or fails one message loudly instead of
//! sending half a text. Messages carry ids and variable names only, never argument values
//! (those may be personal data and errors end up in logs).

use std::path::PathBuf;

/// An error loading or rendering a template.
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    /// A template file or directory could not be read.
    #[error("cannot read templates at {path}")]
    Read {
        /// The file or directory.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A template file is not valid Fluent.
    #[error("syntax error in {file}, line {line}: {details}")]
    Syntax {
        /// The file (path of an override; `templates/<lang>/messages.ftl` for an embedded one).
        file: String,
        /// The line where the first broken entry starts, counted from 1.
        line: usize,
        /// What the parser expected, and where, for each error found.
        details: String,
    },
    /// A template file or override directory is well-formed but not acceptable (a message
    /// defined twice, a message id no code asks for, a directory for an unknown language).
    #[error("invalid templates in {file}: {details}")]
    Invalid {
        /// The file or directory.
        file: String,
        /// What is wrong.
        details: String,
    },
    /// A message uses a variable it is not given (or one it must not see: the e-mail and push
    /// hints may only use the portal address).
    #[error("message {id} ({language}, {file}) uses ${variable}, which it is not given")]
    UnknownVariable {
        /// The file that defines the message.
        file: String,
        /// The language.
        language: String,
        /// The message id.
        id: String,
        /// The variable's name, without `$`.
        variable: String,
    },
    /// A message that code asks for does not exist in a language.
    #[error("message {id} is missing in language {language}")]
    MissingMessage {
        /// The language.
        language: String,
        /// The message id.
        id: String,
    },
    /// Rendering a message failed (a missing argument, a reference that does not resolve).
    #[error("message {id} ({language}) cannot be rendered: {details}")]
    Render {
        /// The language.
        language: String,
        /// The message id.
        id: String,
        /// Fluent's errors, naming the missing variables or references.
        details: String,
    },
    /// There are no templates in the requested language.
    #[error("no templates in language {language:?}")]
    UnknownLanguage {
        /// The language tag as asked for.
        language: String,
    },
}
