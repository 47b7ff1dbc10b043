//! `ecsnap audit [--since D] [--action A] [--json]`: reads the audit log back — what was
//! changed, by whom, where, and how it ended — so "what did we delete last month, and
//! who" needs no `jq`. The file's path goes to stderr; lines that do not parse are
//! counted there, never fatal.

use super::print::{print_json, print_text};
use crate::cli::AuditArgs;
use crate::config::now;
use crate::error::{Result, exit};
use crate::ops::audit::{AuditLog, read_log};
use crate::output::audit::{AuditFilter, audit_rows, audit_text};

pub fn run(args: &AuditArgs, json: bool) -> Result<i32> {
    let path = AuditLog::default_path();
    if !path.exists() {
        eprintln_escaped!(
            "audit log: {} (none yet: nothing was changed with ecsnap as this user)",
            path.display()
        );
        return if json {
            print_json(&Vec::<()>::new())
        } else {
            print_text("No entries.\n")
        };
    }
    let (entries, unreadable) = read_log(&path)?;
    let since = args
        .since
        .map(|d| now() - chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX));
    let filter = AuditFilter {
        since,
        action: args.action.clone(),
    };
    let rows = audit_rows(&entries, &filter);
    eprintln_escaped!(
        "audit log: {} ({} shown of {} lines{})",
        path.display(),
        rows.len(),
        entries.len() + unreadable,
        if unreadable > 0 {
            format!("; {unreadable} line(s) could not be read and are left out")
        } else {
            String::new()
        }
    );
    if json {
        print_json(&rows)
    } else {
        print_text(&audit_text(&rows)).map(|_| exit::OK)
    }
}
