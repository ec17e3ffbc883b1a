//! A tenant's own wording: `<dir>/<tenant>/<lang>/messages.ftl`, each with any subset of the
//! messages. Read once at start; a mistake in any file stops the load with the file's path.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use fluent_bundle::FluentResource;

use super::bundle::parse;
use super::check::known_message_ids;
use super::error::TemplateError;
use super::language::LANGUAGES;

/// The name of the file in each language directory.
const FILE_NAME: &str = "messages.ftl";

/// One tenant's override file for one language, parsed.
pub(crate) struct OverrideFile {
    /// The tenant (the directory's name).
    pub tenant: String,
    /// The language (the subdirectory's name).
    pub language: &'static str,
    /// Where it was read from, for errors.
    pub path: PathBuf,
    /// The parsed messages.
    pub resource: Arc<FluentResource>,
    /// The ids of the messages it defines.
    pub message_ids: Vec<String>,
}

/// Reads every override file under `dir`, in a stable order. Plain files beside the tenant and
/// language directories (a README) and hidden entries are ignored; a language directory for a language without
/// templates, or without `messages.ftl`, is an error rather than a silently unused file.
pub(crate) fn read(dir: &Path) -> Result<Vec<OverrideFile>, TemplateError> {
    let mut files = Vec::new();
    for tenant_dir in subdirectories(dir)? {
        let tenant = name_of(&tenant_dir)?;
        for language_dir in subdirectories(&tenant_dir)? {
            let name = name_of(&language_dir)?;
            let language = LANGUAGES
                .into_iter()
                .find(|known| *known == name)
                .ok_or_else(|| TemplateError::Invalid {
                    file: language_dir.display().to_string(),
                    details: format!(
                        "not a template language (expected one of {})",
                        LANGUAGES.join(", ")
                    ),
                })?;
            let path = language_dir.join(FILE_NAME);
            let source = std::fs::read_to_string(&path).map_err(|source| TemplateError::Read {
                path: path.clone(),
                source,
            })?;
            let file = path.display().to_string();
            let resource = parse(&file, source)?;
            let message_ids = known_message_ids(&file, &resource)?;
            files.push(OverrideFile {
                tenant: tenant.clone(),
                language,
                path,
                resource,
                message_ids,
            });
        }
    }
    Ok(files)
}

fn subdirectories(dir: &Path) -> Result<Vec<PathBuf>, TemplateError> {
    let read_error = |source| TemplateError::Read {
        path: dir.to_path_buf(),
        source,
    };
    let mut dirs = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(read_error)? {
        let entry = entry.map_err(read_error)?;
        // Hidden entries are skipped: a Kubernetes ConfigMap volume keeps its real files in
        // `..data` and `..<timestamp>` directories beside the symlinks to them.
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        // Follows symlinks (ConfigMap volumes are made of them).
        let path = entry.path();
        if std::fs::metadata(&path).map_err(read_error)?.is_dir() {
            dirs.push(path);
        }
    }
    dirs.sort();
    Ok(dirs)
}

fn name_of(dir: &Path) -> Result<String, TemplateError> {
    dir.file_name()
        .and_then(|name| name.to_str())
        .map(str::to_owned)
        .ok_or_else(|| TemplateError::Invalid {
            file: dir.display().to_string(),
            details: "directory name is not UTF-8".to_owned(),
        })
}
