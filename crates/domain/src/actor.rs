//! Who acts on a request.

use super::staff::StaffRole;
use crate::wire::wire_enum;

wire_enum! {
    /// The capacity in which someone acts, as the transition table names it.
    ActorRole, "actor role" {
        /// The requester, holding a token bound to their request.
        Requester => "requester",
        Handler => "handler",
        DepartmentLead => "department_lead",
        PrivacyOfficer => "privacy_officer",
        /// Another system logging a request it received, with a service
        /// token; it may only say that it checked the requester's identity.
        Service => "service",
        /// The desk itself: timers, expiry, delivery.
        System => "system",
    }
}

wire_enum! {
    /// What kind of actor an audit event records.
    ActorKind, "actor kind" {
        Requester => "requester",
        Staff => "staff",
        /// Another system, with a service token.
        Service => "service",
        System => "system",
    }
}

/// A concrete actor, as recorded in the audit trail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    Requester,
    Staff {
        id: String,
        role: StaffRole,
    },
    /// Another system using a service token (by the token's id).
    Service {
        token_id: String,
    },
    System,
}

impl Actor {
    /// The capacity this actor holds for the transition table. Admins take no
    /// decisions on requests, so they have none.
    pub fn role(&self) -> Option<ActorRole> {
        match self {
            Actor::Requester => Some(ActorRole::Requester),
            Actor::Staff { role, .. } => match role {
                StaffRole::Handler => Some(ActorRole::Handler),
                StaffRole::DepartmentLead => Some(ActorRole::DepartmentLead),
                StaffRole::PrivacyOfficer => Some(ActorRole::PrivacyOfficer),
                StaffRole::Admin => None,
            },
            Actor::Service { .. } => Some(ActorRole::Service),
            Actor::System => Some(ActorRole::System),
        }
    }

    /// The kind recorded in the audit trail.
    pub fn kind(&self) -> ActorKind {
        match self {
            Actor::Requester => ActorKind::Requester,
            Actor::Staff { .. } => ActorKind::Staff,
            Actor::Service { .. } => ActorKind::Service,
            Actor::System => ActorKind::System,
        }
    }

    /// The identifier recorded in the audit trail, when there is one.
    pub fn id(&self) -> Option<&str> {
        match self {
            Actor::Staff { id, .. } => Some(id),
            Actor::Service { token_id } => Some(token_id),
            Actor::Requester | Actor::System => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_of_actors() {
        let staff = |role| Actor::Staff {
            id: "s1".into(),
            role,
        };
        let table = [
            (Actor::Requester, Some(ActorRole::Requester), "requester"),
            (staff(StaffRole::Handler), Some(ActorRole::Handler), "staff"),
            (
                staff(StaffRole::DepartmentLead),
                Some(ActorRole::DepartmentLead),
                "staff",
            ),
            (
                staff(StaffRole::PrivacyOfficer),
                Some(ActorRole::PrivacyOfficer),
                "staff",
            ),
            (staff(StaffRole::Admin), None, "staff"),
            // A calling channel may only start a request it verified.
            (
                Actor::Service { token_id: "t".into() },
                Some(ActorRole::Service),
                "service",
            ),
            (Actor::System, Some(ActorRole::System), "system"),
        ];
        for (actor, role, kind) in table {
            assert_eq!(actor.role(), role, "{actor:?}");
            assert_eq!(actor.kind().as_str(), kind);
        }
    }
}
