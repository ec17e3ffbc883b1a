//! ExportCaseFile: the whole case file as one xdomea-structured package whose manifest lists
//! every document with a correct hash; a corrupted blob is never handed on.

mod harness;

use harness::*;
use jobcenter_proto::common::v1 as common;
use jobcenter_proto::efile::v1 as proto;

/// The export of `case_id` as `tenant`'s caseworker, as bytes (or the status it ended with).
async fn export(
    app: &TestApp,
    tenant: &str,
    case_id: &str,
    min_position: Option<common::Position>,
) -> Result<Vec<u8>, tonic::Status> {
    let mut stream = app
        .efile
        .clone()
        .export_case_file(as_caseworker(
            proto::ExportCaseFileRequest {
                case_id: case_id.into(),
                min_position,
            },
            tenant,
        ))
        .await?
        .into_inner();
    let mut bytes = Vec::new();
    while let Some(message) = stream.message().await? {
        bytes.extend_from_slice(&message.chunk);
    }
    Ok(bytes)
}

#[tokio::test]
async fn the_package_lists_every_document_in_its_current_version_with_a_correct_hash() {
    let mut app = spawn_app().await;
    let case = open_case(&mut app, TENANT).await;
    let contract = pdf(40_000, 1);
    let statement = png(30_000, 2);
    let first = upload(
        &mut app,
        header(&case, proto::DocumentType::RentalContract, &["miete"]),
        &contract,
    )
    .await
    .expect("contract")
    .document
    .expect("document");
    let second = upload(
        &mut app,
        proto::UploadHeader {
            file_name: "kontoauszug.png".into(),
            ..header(&case, proto::DocumentType::BankStatement, &[])
        },
        &statement,
    )
    .await
    .expect("statement")
    .document
    .expect("document");
    let better = pdf(41_000, 3);
    upload_version(&mut app, &first.document_id, "a better scan", &better)
        .await
        .expect("version 2");
    // Another case's document is not in this case's file.
    let other = open_case(&mut app, TENANT).await;
    let last = upload(
        &mut app,
        header(&other, proto::DocumentType::Payslip, &[]),
        &pdf(10_000, 4),
    )
    .await
    .expect("other case")
    .position;

    let bytes = export(&app, TENANT, &case.case_id, last)
        .await
        .expect("exported");
    let package = xdomea::read_package(std::io::Cursor::new(bytes)).expect("a valid package");
    assert_eq!(package.manifest.case_id, case.case_id);
    let mut listed: Vec<(String, i32, String)> = package
        .documents
        .iter()
        .map(|d| {
            (
                d.document.document_id.clone(),
                d.document.version,
                d.document.sha256.clone(),
            )
        })
        .collect();
    listed.sort();
    let mut expected = vec![
        (first.document_id.clone(), 2, sha256(&better)),
        (second.document_id.clone(), 1, sha256(&statement)),
    ];
    expected.sort();
    assert_eq!(listed, expected);
    // The bytes in the package are the documents' current content.
    for document in &package.documents {
        let wanted = if document.document.document_id == first.document_id {
            &better
        } else {
            &statement
        };
        assert_eq!(&document.bytes, wanted);
    }
    assert!(package.message.contains(&case.case_id));
}

#[tokio::test]
async fn a_corrupted_document_fails_the_export_and_another_tenant_finds_no_case() {
    let mut app = spawn_app().await;
    let case = open_case(&mut app, TENANT).await;
    let content = pdf(20_000, 9);
    let filed = upload(
        &mut app,
        header(&case, proto::DocumentType::Letter, &[]),
        &content,
    )
    .await
    .expect("filed")
    .position;

    let foreign = export(&app, OTHER_TENANT, &case.case_id, filed.clone())
        .await
        .expect_err("not this tenant's case");
    assert_eq!(foreign.code(), tonic::Code::NotFound);

    std::fs::write(blob_path(&app, TENANT, &sha256(&content)), b"%PDF-changed").expect("corrupted");
    let corrupted = export(&app, TENANT, &case.case_id, filed)
        .await
        .expect_err("never exports a corrupted file");
    assert_eq!(corrupted.code(), tonic::Code::DataLoss);
}
