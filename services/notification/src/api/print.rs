//! The print queue for the postal print service: the letters waiting (oldest first), one
//! letter's PDF (audited: name and address are in the window), and the confirmation that it
//! was printed.

use access_log::ReadContext;
use jobcenter_proto::notification::v1 as proto;
use platform::authz::Authorized;
use tonic::{Request, Response, Status};

use super::{NotificationApi, audited, case_objects, convert, issuer};
use crate::error::NotificationError;
use crate::print_queue;
use crate::projections::mailbox_queries;

pub(super) async fn list_print_jobs(
    api: &NotificationApi,
    request: Request<proto::ListPrintJobsRequest>,
) -> Result<Response<proto::ListPrintJobsResponse>, Status> {
    let authorized = Authorized::from_request(&request)?;
    let req = request.into_inner();
    let size = convert::page_size(req.page_size)?;
    let caller = &authorized.caller;
    let mut tx = api.tenant_tx(&caller.tenant_id).await?;
    let jobs = print_queue::waiting(&mut tx, caller.tenant_id.as_str(), size)
        .await
        .map_err(NotificationError::from)?;
    Ok(Response::new(proto::ListPrintJobsResponse {
        print_jobs: jobs.iter().map(convert::print_job).collect(),
    }))
}

pub(super) async fn get_print_job(
    api: &NotificationApi,
    request: Request<proto::GetPrintJobRequest>,
) -> Result<Response<proto::GetPrintJobResponse>, Status> {
    let read = ReadContext::from_request(&request)?;
    let req = request.into_inner();
    let answer = async {
        let id = convert::uuid(&req.print_job_id, "print_job_id")?;
        let caller = read.caller();
        let tenant = caller.tenant_id.as_str();
        let mut tx = api.tenant_tx(&caller.tenant_id).await?;
        let (job, pdf) = print_queue::with_pdf(&mut tx, tenant, id)
            .await?
            .ok_or(NotificationError::NotFound)?;
        let case = mailbox_queries::message(&mut tx, tenant, job.message_id)
            .await?
            .and_then(|message| message.case_id);
        Ok::<_, NotificationError>((
            Response::new(proto::GetPrintJobResponse {
                print_job: Some(convert::print_job(&job)),
                pdf,
            }),
            case_objects([case]),
        ))
    };
    audited(api, &read, answer).await
}

pub(super) async fn confirm_printed(
    api: &NotificationApi,
    request: Request<proto::ConfirmPrintedRequest>,
) -> Result<Response<proto::ConfirmPrintedResponse>, Status> {
    let authorized = Authorized::from_request(&request)?;
    let req = request.into_inner();
    let id = convert::uuid(&req.print_job_id, "print_job_id")?;
    let position = api
        .parts
        .commands
        .confirm_printed(&issuer(&authorized), id)
        .await?;
    Ok(Response::new(proto::ConfirmPrintedResponse {
        position: Some(api.position(position)),
    }))
}
