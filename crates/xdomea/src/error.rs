//! Why a package could not be written or read.

/// A failure to write or to read (verify) a package.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// A document id cannot name a file (it must be 1 to 64 of `[A-Za-z0-9-]`), or a version
    /// is below 1.
    #[error("document {document_id} version {version} cannot be named in a package")]
    InvalidDocument {
        /// The document.
        document_id: String,
        /// The version.
        version: i32,
    },
    /// The same document version is listed twice.
    #[error("document {document_id} version {version} is listed twice")]
    DuplicateDocument {
        /// The document.
        document_id: String,
        /// The version.
        version: i32,
    },
    /// A document was added that the export does not list (or listed differently).
    #[error("document {document_id} version {version} is not listed in the export")]
    UnexpectedDocument {
        /// The document.
        document_id: String,
        /// The version.
        version: i32,
    },
    /// The bytes of a document differ from its recorded SHA-256 or size: never exported.
    #[error(
        "the content of document {document_id} version {version} does not match its recorded hash and size"
    )]
    ContentMismatch {
        /// The document.
        document_id: String,
        /// The version.
        version: i32,
    },
    /// `finish` was called before every listed document was added.
    #[error("{} listed document(s) were not added", .0.len())]
    MissingDocuments(Vec<String>),
    /// Reading: a file's bytes do not match the manifest's hash or size.
    #[error("{path} does not match the manifest's hash and size")]
    Corrupted {
        /// The file in the package.
        path: String,
    },
    /// Reading: a file the manifest lists is not in the package.
    #[error("{path} is listed but missing from the package")]
    MissingFile {
        /// The file in the package.
        path: String,
    },
    /// Reading: the package holds a file the manifest does not list.
    #[error("{path} is in the package but not listed")]
    UnlistedFile {
        /// The file in the package.
        path: String,
    },
    /// Reading: the manifest is missing, malformed or contradicts the message.
    #[error("invalid manifest: {0}")]
    InvalidManifest(String),
    /// The ZIP container could not be written or read.
    #[error("ZIP container error")]
    Zip(#[from] zip::result::ZipError),
    /// Writing or reading bytes failed.
    #[error("i/o error")]
    Io(#[from] std::io::Error),
    /// The manifest could not be encoded or decoded.
    #[error("manifest JSON error")]
    Json(#[from] serde_json::Error),
    /// The xdomea message could not be read back.
    #[error("xdomea message error")]
    Xml(#[from] quick_xml::Error),
}
