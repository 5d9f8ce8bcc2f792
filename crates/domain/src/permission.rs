//! What a staff member may see and do. The staff pages offer exactly what
//! these functions allow, and the workflows refuse anything else with the
//! same functions: one decision for the button and for the server.

use super::actor::ActorRole;
use super::decision::DecisionOutcome;
use super::lifecycle::{RequestStatus, check_transition};
use super::request::RequestKind;
use super::staff::StaffRole;
use super::task::TaskStatus;

/// The staff member acting, as the rules need them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffMember {
    pub id: String,
    pub role: StaffRole,
    pub department_id: Option<String>,
    /// Whether their department is the privacy department (it works the
    /// whole queue and prepares decisions).
    pub privacy_department: bool,
}

/// A task, as the rules need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskFacts {
    pub department_id: String,
    pub assignee_id: Option<String>,
    pub status: TaskStatus,
}

/// A request, as the rules need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestFacts {
    pub kind: RequestKind,
    pub status: RequestStatus,
    pub tasks: Vec<TaskFacts>,
    /// A decision waits for the privacy officer's approval.
    pub decision_pending: bool,
}

impl RequestFacts {
    /// Every task is done (or there are none): the request is ready for a
    /// decision that completes it.
    pub fn tasks_done(&self) -> bool {
        self.tasks.iter().all(|t| t.status == TaskStatus::Done)
    }
}

/// What a staff member may do with one request.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RequestOptions {
    pub view: bool,
    /// Show the subject's full identifiers (audited).
    pub reveal: bool,
    /// Open identity and authority documents.
    pub identity_documents: bool,
    pub add_note: bool,
    pub message_requester: bool,
    /// Accept, reject or ask for more about identity or authority.
    pub review_identity: bool,
    /// Ask the requester for more information while working.
    pub ask_requester: bool,
    /// Complete (where every task is done) or partly complete.
    pub complete: bool,
    /// Refuse with a statutory ground.
    pub refuse: bool,
    /// Approve or send back a pending decision.
    pub approve: bool,
    /// Reopen the tasks after an objection.
    pub reopen_tasks: bool,
    /// Place a legal hold on the subject's data, and end holds that end by
    /// hand.
    pub manage_holds: bool,
    /// Postpone or extend, where the profile allows it for this request
    /// now (the deadline's rules decide that part).
    pub prolong: bool,
}

impl StaffMember {
    pub fn is_officer(&self) -> bool {
        self.role == StaffRole::PrivacyOfficer
    }

    /// The capacity in which the lifecycle table judges this member.
    pub const fn actor_role(&self) -> Option<ActorRole> {
        match self.role {
            StaffRole::Handler => Some(ActorRole::Handler),
            StaffRole::DepartmentLead => Some(ActorRole::DepartmentLead),
            StaffRole::PrivacyOfficer => Some(ActorRole::PrivacyOfficer),
            StaffRole::Admin => None,
        }
    }

    /// Whether the lifecycle lets this member move the request to `to`.
    fn may_move(&self, request: &RequestFacts, to: RequestStatus) -> bool {
        check_transition(request.kind, request.status, to, self.actor_role()).is_ok()
    }

    /// Whether this member may decide `outcome` on the request now.
    pub fn may_decide(&self, request: &RequestFacts, outcome: DecisionOutcome) -> bool {
        let state_ok = matches!(
            request.status,
            RequestStatus::InProgress | RequestStatus::Objection
        ) && !request.decision_pending;
        let tasks_ok = outcome == DecisionOutcome::Refused || request.tasks_done();
        self.sees_all_requests()
            && state_ok
            && tasks_ok
            && self.may_move(request, outcome.status_on_decision(request.kind))
    }

    fn works_requests(&self) -> bool {
        matches!(self.role, StaffRole::Handler | StaffRole::DepartmentLead)
    }

    /// Sees every request in the queue (not only its department's).
    pub fn sees_all_requests(&self) -> bool {
        self.is_officer() || (self.privacy_department && self.works_requests())
    }

    /// Opens the queue at all (admins configure; they work no requests).
    pub fn may_use_queue(&self) -> bool {
        self.role != StaffRole::Admin
    }

    /// Manages departments, systems, categories, routing and staff.
    pub fn may_administer(&self) -> bool {
        self.role == StaffRole::Admin
    }

    /// Logs a request received by phone, email, fax or letter.
    pub fn may_log_offline(&self) -> bool {
        self.sees_all_requests()
    }

    /// Places and lifts manual legal holds.
    pub fn may_manage_holds(&self) -> bool {
        self.is_officer()
    }

    fn in_department(&self, department_id: &str) -> bool {
        self.department_id.as_deref() == Some(department_id)
    }

    /// Assigns `task` to a handler: a lead within their department, or the
    /// privacy officer.
    pub fn may_assign(&self, status: RequestStatus, task: &TaskFacts) -> bool {
        task.status == TaskStatus::Open
            && status == RequestStatus::InProgress
            && (self.is_officer()
                || (self.role == StaffRole::DepartmentLead && self.in_department(&task.department_id)))
    }

    /// Completes `task`: a member of its department, when it is theirs or
    /// nobody's (a lead may complete any of the department's).
    pub fn may_complete(&self, status: RequestStatus, task: &TaskFacts) -> bool {
        task.status == TaskStatus::Open
            && status == RequestStatus::InProgress
            && self.works_requests()
            && self.in_department(&task.department_id)
            && (self.role == StaffRole::DepartmentLead
                || task.assignee_id.is_none()
                || task.assignee_id.as_deref() == Some(self.id.as_str()))
    }

    /// Sees the request at all: those who see every request, and the
    /// members of a department that has a task in it.
    pub fn may_view(&self, request: &RequestFacts) -> bool {
        self.may_use_queue()
            && (self.sees_all_requests()
                || request.tasks.iter().any(|t| self.in_department(&t.department_id)))
    }

    /// Sees what `task` returned (an access request's data, as text and
    /// files), which is decrypted only for those who may: the task's
    /// department, the privacy department and the privacy officer — not
    /// another department working the same request. The page shows a
    /// result, and the download route serves its file, by this one rule.
    pub fn may_see_result(&self, request: &RequestFacts, task: &TaskFacts) -> bool {
        self.may_view(request)
            && (self.is_officer()
                || (self.works_requests()
                    && (self.privacy_department || self.in_department(&task.department_id))))
    }

    /// Everything this staff member may do with a request.
    pub fn options(&self, request: &RequestFacts) -> RequestOptions {
        let view = self.may_view(request);
        if !view {
            return RequestOptions::default();
        }
        use RequestStatus::*;
        let status = request.status;
        let decides = self.sees_all_requests();
        RequestOptions {
            view,
            reveal: true,
            identity_documents: self.is_officer(),
            add_note: true,
            message_requester: decides && !status.is_closed(),
            review_identity: self.is_officer() && status == Verifying,
            ask_requester: decides && status == InProgress && self.may_move(request, AwaitingRequester),
            complete: self.may_decide(request, DecisionOutcome::Completed),
            refuse: self.may_decide(request, DecisionOutcome::Refused),
            approve: self.is_officer() && status == AwaitingApproval && request.decision_pending,
            reopen_tasks: self.is_officer()
                && status == Objection
                && !request.tasks.is_empty()
                && self.may_move(request, InProgress),
            manage_holds: self.may_manage_holds(),
            prolong: decides && status == InProgress,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use RequestStatus::*;

    fn member(role: StaffRole, dept: Option<&str>, privacy: bool) -> StaffMember {
        StaffMember {
            id: format!("{role}-1"),
            role,
            department_id: dept.map(str::to_owned),
            privacy_department: privacy,
        }
    }

    fn task(dept: &str, assignee: Option<&str>, status: TaskStatus) -> TaskFacts {
        TaskFacts {
            department_id: dept.into(),
            assignee_id: assignee.map(str::to_owned),
            status,
        }
    }

    fn request(status: RequestStatus, tasks: Vec<TaskFacts>, pending: bool) -> RequestFacts {
        RequestFacts {
            kind: RequestKind::Access,
            status,
            tasks,
            decision_pending: pending,
        }
    }

    #[test]
    fn who_sees_a_request() {
        let sales = request(InProgress, vec![task("SALES", None, TaskStatus::Open)], false);
        let table = [
            (member(StaffRole::Handler, Some("SALES"), false), true),
            (member(StaffRole::Handler, Some("IT"), false), false),
            (member(StaffRole::DepartmentLead, Some("IT"), false), false),
            (member(StaffRole::Handler, Some("IRM"), true), true),
            (member(StaffRole::PrivacyOfficer, None, false), true),
            (member(StaffRole::Admin, None, false), false),
        ];
        for (who, sees) in table {
            assert_eq!(who.options(&sales).view, sees, "{who:?}");
            assert_eq!(who.options(&sales).reveal, sees, "{who:?}");
        }
    }

    #[test]
    fn who_sees_what_a_task_returned() {
        let returned = task("SALES", None, TaskStatus::Done);
        let sales = request(Completed, vec![returned.clone()], false);
        let table = [
            (member(StaffRole::Handler, Some("SALES"), false), true),
            (member(StaffRole::DepartmentLead, Some("SALES"), false), true),
            (member(StaffRole::Handler, Some("IT"), false), false),
            (member(StaffRole::Handler, Some("IRM"), true), true),
            (member(StaffRole::PrivacyOfficer, None, false), true),
            (member(StaffRole::Admin, None, false), false),
        ];
        for (who, sees) in table {
            assert_eq!(who.may_see_result(&sales, &returned), sees, "{who:?}");
        }
    }

    #[test]
    fn what_each_role_may_do_in_each_state() {
        let officer = member(StaffRole::PrivacyOfficer, None, false);
        let irm = member(StaffRole::Handler, Some("IRM"), true);
        let sales = member(StaffRole::Handler, Some("SALES"), false);
        let open = || vec![task("SALES", None, TaskStatus::Open)];
        let done = || vec![task("SALES", None, TaskStatus::Done)];
        // (who, request, review, ask, complete, refuse, approve, reopen, identity docs)
        let table = [
            (
                &officer,
                request(Verifying, vec![], false),
                [true, false, false, false, false, false, true],
            ),
            (
                &irm,
                request(Verifying, vec![], false),
                [false, false, false, false, false, false, false],
            ),
            (
                &officer,
                request(InProgress, open(), false),
                [false, true, false, true, false, false, true],
            ),
            (
                &officer,
                request(InProgress, done(), false),
                [false, true, true, true, false, false, true],
            ),
            (
                &irm,
                request(InProgress, done(), false),
                [false, true, true, true, false, false, false],
            ),
            (
                &sales,
                request(InProgress, done(), false),
                [false, false, false, false, false, false, false],
            ),
            (
                &officer,
                request(AwaitingApproval, done(), true),
                [false, false, false, false, true, false, true],
            ),
            (
                &irm,
                request(AwaitingApproval, done(), true),
                [false, false, false, false, false, false, false],
            ),
            (
                &officer,
                request(Objection, done(), false),
                [false, false, true, true, false, true, true],
            ),
            // Completing after an objection is the privacy officer's alone.
            (
                &irm,
                request(Objection, done(), false),
                [false, false, false, true, false, false, false],
            ),
            (
                &officer,
                request(Completed, done(), false),
                [false, false, false, false, false, false, true],
            ),
        ];
        for (who, req, expected) in table {
            let o = who.options(&req);
            let got = [
                o.review_identity,
                o.ask_requester,
                o.complete,
                o.refuse,
                o.approve,
                o.reopen_tasks,
                o.identity_documents,
            ];
            assert_eq!(got, expected, "{:?} on {:?}", who.role, req.status);
        }
    }

    #[test]
    fn completing_a_deletion_goes_to_approval_which_any_decider_may_ask() {
        let irm = member(StaffRole::Handler, Some("IRM"), true);
        let officer = member(StaffRole::PrivacyOfficer, None, false);
        let deletion = RequestFacts {
            kind: RequestKind::Deletion,
            ..request(InProgress, vec![task("IT", None, TaskStatus::Done)], false)
        };
        for who in [&irm, &officer] {
            assert!(who.may_decide(&deletion, DecisionOutcome::Completed));
            assert!(who.may_decide(&deletion, DecisionOutcome::Refused));
        }
        let open = RequestFacts {
            tasks: vec![task("IT", None, TaskStatus::Open)],
            ..deletion.clone()
        };
        assert!(!officer.may_decide(&open, DecisionOutcome::Completed));
        assert!(!officer.may_decide(&open, DecisionOutcome::PartiallyCompleted));
        assert!(officer.may_decide(&open, DecisionOutcome::Refused));
    }

    #[test]
    fn assigning_and_completing_tasks() {
        let lead = member(StaffRole::DepartmentLead, Some("SALES"), false);
        let other_lead = member(StaffRole::DepartmentLead, Some("IT"), false);
        let handler = member(StaffRole::Handler, Some("SALES"), false);
        let officer = member(StaffRole::PrivacyOfficer, None, false);
        let unassigned = task("SALES", None, TaskStatus::Open);
        let mine = task("SALES", Some("handler-1"), TaskStatus::Open);
        let theirs = task("SALES", Some("someone"), TaskStatus::Open);
        let finished = task("SALES", None, TaskStatus::Done);
        let w = InProgress;
        assert!(lead.may_assign(w, &unassigned));
        assert!(officer.may_assign(w, &unassigned));
        assert!(!other_lead.may_assign(w, &unassigned));
        assert!(!handler.may_assign(w, &unassigned));
        assert!(!lead.may_assign(w, &finished));
        assert!(!lead.may_assign(Verifying, &unassigned));
        assert!(handler.may_complete(w, &unassigned));
        assert!(handler.may_complete(w, &mine));
        assert!(!handler.may_complete(w, &theirs));
        assert!(lead.may_complete(w, &theirs));
        assert!(!other_lead.may_complete(w, &unassigned));
        assert!(!officer.may_complete(w, &unassigned));
        assert!(!handler.may_complete(w, &finished));
        assert!(!handler.may_complete(AwaitingApproval, &mine));
    }

    #[test]
    fn a_task_result_is_seen_by_its_department_the_privacy_department_and_the_officer() {
        let table = [
            (member(StaffRole::Handler, Some("IT"), false), true),
            (member(StaffRole::DepartmentLead, Some("IT"), false), true),
            (member(StaffRole::Handler, Some("SALES"), false), false),
            (member(StaffRole::DepartmentLead, Some("SALES"), false), false),
            (member(StaffRole::Handler, Some("IRM"), true), true),
            (member(StaffRole::DepartmentLead, Some("IRM"), true), true),
            (member(StaffRole::PrivacyOfficer, None, false), true),
            (member(StaffRole::Admin, None, false), false),
            (member(StaffRole::Admin, Some("IT"), false), false),
        ];
        let it = task("IT", None, TaskStatus::Done);
        let shared = request(
            Completed,
            vec![it.clone(), task("SALES", None, TaskStatus::Done)],
            false,
        );
        for (who, sees) in table {
            assert_eq!(who.may_see_result(&shared, &it), sees, "{who:?}");
        }
    }

    #[test]
    fn only_admins_administer_and_admins_work_no_requests() {
        for role in StaffRole::ALL {
            let who = member(*role, None, false);
            assert_eq!(who.may_administer(), *role == StaffRole::Admin);
            assert_eq!(who.may_use_queue(), *role != StaffRole::Admin);
            assert_eq!(who.may_manage_holds(), *role == StaffRole::PrivacyOfficer);
        }
    }
}
