//! The case a booking or an invitation is for, checked against the case directory (the cases
//! this service knows from the case log): of the caller's tenant (another tenant's is as
//! absent as none: NOT_FOUND), an applicant's own (any other case is NOT_FOUND for them), the
//! applicant's when staff name both, and not closed.

use jobcenter_proto::common::v1 as common;
use platform::authz::Authorized;

use super::{AppointmentApi, acts_as_applicant};
use crate::consistency::Accepted;
use crate::domain::ids::CaseId;
use crate::error::AppointmentError;
use crate::projections::case_directory;

/// Checks that `case` may carry an appointment of `applicant` booked or set by `authorized`,
/// after waiting (briefly) for the directory to reach `min_case_position`.
pub(super) async fn check_case(
    api: &AppointmentApi,
    authorized: &Authorized,
    case: CaseId,
    applicant: &str,
    min_case_position: Option<&common::Position>,
) -> Result<(), AppointmentError> {
    api.wait(
        min_case_position,
        "min_case_position.token",
        Accepted::CaseLog,
    )
    .await?;
    let tenant = authorized.caller.tenant_id.as_str();
    let mut tx = api.tenant_tx(authorized).await?;
    let entry = case_directory::get(&mut tx, tenant, case.0)
        .await?
        .ok_or(AppointmentError::NotFound)?;
    if acts_as_applicant(authorized) {
        // Only a case the applicant applied for online is theirs; whether another case
        // exists is none of their business.
        if entry.applicant_account != authorized.caller.subject {
            return Err(AppointmentError::NotFound);
        }
    } else if !entry.applicant_account.is_empty() && entry.applicant_account != applicant {
        return Err(AppointmentError::invalid(
            "applicant_subject",
            "is not the applicant of the case",
        ));
    }
    if entry.closed {
        return Err(AppointmentError::CaseClosed);
    }
    Ok(())
}
