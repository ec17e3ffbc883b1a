//! The RPC names of a service, read from an encoded `FileDescriptorSet`.

use prost::Message;
use prost_types::FileDescriptorSet;

/// Why the descriptor could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DescriptorError {
    #[error("the file descriptor set cannot be decoded")]
    Decode,
    #[error("service `{0}` is not in the file descriptor set")]
    NoSuchService(String),
}

/// The full names of every service in the set, e.g. `jobcenter.case.v1.CaseService`.
pub fn service_names(descriptor_set: &[u8]) -> Result<Vec<String>, DescriptorError> {
    let set = FileDescriptorSet::decode(descriptor_set).map_err(|_| DescriptorError::Decode)?;
    Ok(set
        .file
        .iter()
        .flat_map(|file| {
            file.service.iter().map(move |service| {
                if file.package().is_empty() {
                    service.name().to_owned()
                } else {
                    format!("{}.{}", file.package(), service.name())
                }
            })
        })
        .collect())
}

/// The method names of `service` (full name, e.g. `jobcenter.case.v1.CaseService`).
pub fn service_methods(
    descriptor_set: &[u8],
    service: &str,
) -> Result<Vec<String>, DescriptorError> {
    let set = FileDescriptorSet::decode(descriptor_set).map_err(|_| DescriptorError::Decode)?;
    for file in &set.file {
        let package = file.package();
        for candidate in &file.service {
            let full = if package.is_empty() {
                candidate.name().to_owned()
            } else {
                format!("{package}.{}", candidate.name())
            };
            if full == service {
                return Ok(candidate
                    .method
                    .iter()
                    .map(|method| method.name().to_owned())
                    .collect());
            }
        }
    }
    Err(DescriptorError::NoSuchService(service.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn health_methods_are_read_from_tonic_healths_descriptor() {
        let methods = service_methods(
            tonic_health::pb::FILE_DESCRIPTOR_SET,
            "grpc.health.v1.Health",
        )
        .expect("health is described");
        assert!(methods.contains(&"Check".to_owned()), "{methods:?}");
        assert!(methods.contains(&"Watch".to_owned()), "{methods:?}");
    }

    #[test]
    fn service_names_are_fully_qualified() {
        let names = service_names(tonic_health::pb::FILE_DESCRIPTOR_SET).expect("decodes");
        assert_eq!(names, vec!["grpc.health.v1.Health".to_owned()]);
    }

    #[test]
    fn unknown_services_and_garbage_are_errors() {
        assert_eq!(
            service_methods(tonic_health::pb::FILE_DESCRIPTOR_SET, "no.Such"),
            Err(DescriptorError::NoSuchService("no.Such".to_owned()))
        );
        assert_eq!(
            service_methods(&[0xff, 0xff, 0xff], "x"),
            Err(DescriptorError::Decode)
        );
    }
}
