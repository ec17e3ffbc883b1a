//! Plain-text output for people at a terminal.

use jobcenter_proto::case::v1::{Case, Task, TaskPriority, TimelineEntry};
use jobcenter_proto::intake::v1::Submission;

fn timestamp(ts: Option<&prost_types::Timestamp>) -> String {
    ts.and_then(|t| {
        chrono::DateTime::from_timestamp(t.seconds, u32::try_from(t.nanos).unwrap_or(0))
    })
    .map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string())
    .unwrap_or_else(|| "-".to_owned())
}

/// Prints a submission.
pub fn submission(submission: Option<&Submission>) {
    let Some(s) = submission else {
        println!("(no submission)");
        return;
    };
    println!("submission   {}", s.submission_id);
    println!("application  {}", s.application_id);
    println!(
        "status       {} ({})",
        s.status_text,
        s.status().as_str_name()
    );
    println!("received at  {}", timestamp(s.received_at.as_ref()));
}

/// Prints one case as a line of a list.
pub fn case_line(case: &Case) {
    println!(
        "{}  {:<10}  {}, {}  household {}  {}",
        case.case_id,
        case.status()
            .as_str_name()
            .trim_start_matches("CASE_STATUS_"),
        case.applicant_family_name,
        case.applicant_given_name,
        case.household_size,
        case.postal_code
    );
}

/// Prints one case in full.
pub fn case(case: Option<&Case>) {
    let Some(c) = case else {
        println!("(no case)");
        return;
    };
    case_line(c);
    println!("applications {}", c.application_ids.join(", "));
    println!("opened at    {}", timestamp(c.opened_at.as_ref()));
    println!("version      {}", c.version);
}

/// Prints one timeline entry.
pub fn timeline_entry(entry: &TimelineEntry) {
    println!(
        "{:>4}  {}  {}",
        entry.version,
        timestamp(entry.recorded_at.as_ref()),
        entry.description
    );
}

/// One task of a work queue: due day, priority, overdue, the case, what to do.
pub fn task(task: &Task) {
    let due = task
        .due_on
        .as_ref()
        .map(|d| format!("{:04}-{:02}-{:02}", d.year, d.month, d.day))
        .unwrap_or_else(|| "-".to_owned());
    let urgent = if task.priority == TaskPriority::High as i32 {
        "!"
    } else {
        " "
    };
    let overdue = if task.overdue { " (overdue)" } else { "" };
    let standing_in = if task.substitution {
        " [standing in]"
    } else {
        ""
    };
    println!(
        "{due}{urgent} {}  {}{overdue}{standing_in}",
        task.case_id, task.title
    );
}

/// One document of a case file: receipt, type, version, how it came, tags, hash, name.
pub fn document(document: &jobcenter_proto::efile::v1::Document) {
    use jobcenter_proto::efile::v1::{Channel, DocumentType};
    let kind = DocumentType::try_from(document.r#type)
        .map(|t| {
            t.as_str_name()
                .trim_start_matches("DOCUMENT_TYPE_")
                .to_lowercase()
        })
        .unwrap_or_default();
    let channel = Channel::try_from(document.channel)
        .map(|c| {
            c.as_str_name()
                .trim_start_matches("CHANNEL_")
                .to_lowercase()
        })
        .unwrap_or_default();
    let current = document.versions.last().and_then(|v| v.content.as_ref());
    let (sha, name) = current
        .map(|c| (c.sha256.get(..12).unwrap_or_default(), c.file_name.as_str()))
        .unwrap_or_default();
    let state = if document.deleted {
        " [deleted]"
    } else if document.legal_hold {
        " [legal hold]"
    } else {
        ""
    };
    println!(
        "{}  {}  {kind} v{} via {channel}  [{}]  sha256 {sha}…  {name}{state}",
        timestamp(document.received_at.as_ref()),
        document.document_id,
        document.versions.len(),
        document.tags.join(", "),
    );
}
