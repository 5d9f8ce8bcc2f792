//! What a request is: its kind, who submitted it, how it arrived.

use crate::wire::wire_enum;

use super::hold::HoldReason;

wire_enum! {
    /// The right being exercised (PIPA Art. 35–37).
    RequestKind, "request kind" {
        Access => "access",
        Correction => "correction",
        Deletion => "deletion",
        Suspension => "suspension",
    }
}

impl RequestKind {
    /// Whether the data concerned is frozen from the moment of asking: the
    /// reference policy promises no use of data under a pending correction or
    /// deletion request, and suspension asks for exactly that.
    pub const fn freezes_data(self) -> bool {
        matches!(self, Self::Correction | Self::Deletion | Self::Suspension)
    }

    /// The reason recorded on the holds this kind places, if it places any.
    pub const fn hold_reason(self) -> Option<HoldReason> {
        match self {
            Self::Access => None,
            Self::Correction => Some(HoldReason::CorrectionPending),
            Self::Deletion => Some(HoldReason::DeletionPending),
            Self::Suspension => Some(HoldReason::ProcessingSuspended),
        }
    }

    /// Only access may be postponed for good cause (PIPA Art. 35(3)).
    pub const fn may_be_postponed(self) -> bool {
        matches!(self, Self::Access)
    }

    /// Whether finishing the work destroys data, which the privacy officer
    /// must approve.
    pub const fn destroys_data(self) -> bool {
        matches!(self, Self::Deletion | Self::Suspension)
    }
}

wire_enum! {
    /// Who submitted the request relative to the data subject.
    OnBehalf, "on_behalf value" {
        SelfRequest => "self",
        LegalRepresentative => "legal_representative",
        Delegate => "delegate",
    }
}

impl OnBehalf {
    /// Agents must prove their authority with a document (Decree 45).
    pub const fn needs_authority_document(self) -> bool {
        !matches!(self, Self::SelfRequest)
    }
}

wire_enum! {
    /// How the request reached the company (Art. 38(4): no channel may be
    /// harder than the one used to collect the data).
    Channel, "channel" {
        Web => "web",
        Phone => "phone",
        Email => "email",
        Fax => "fax",
        Letter => "letter",
    }
}

wire_enum! {
    /// Where the requester stands in proving who they are.
    VerificationState, "verification state" {
        /// Nothing proven yet; a code and link have been sent.
        Pending => "pending",
        /// The requester controls the email address given.
        EmailConfirmed => "email_confirmed",
        /// Staff accepted the identity or authority document.
        DocumentAccepted => "document_accepted",
        /// Staff confirmed identity on another channel (phone, in person).
        StaffConfirmed => "staff_confirmed",
    }
}

wire_enum! {
    /// Who wrote a message about a request.
    MessageAuthor, "message author" {
        Requester => "requester",
        Staff => "staff",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_round_trip_for_every_member() {
        for kind in RequestKind::ALL {
            assert_eq!(kind.as_str().parse::<RequestKind>(), Ok(*kind));
        }
        for who in OnBehalf::ALL {
            assert_eq!(who.as_str().parse::<OnBehalf>(), Ok(*who));
        }
        for channel in Channel::ALL {
            assert_eq!(channel.as_str().parse::<Channel>(), Ok(*channel));
        }
        for state in VerificationState::ALL {
            assert_eq!(state.as_str().parse::<VerificationState>(), Ok(*state));
        }
    }

    #[test]
    fn unknown_names_are_errors_naming_the_set() {
        let err = "erase".parse::<RequestKind>().unwrap_err();
        assert_eq!(err.to_string(), "unknown request kind \"erase\"");
        assert!("Self".parse::<OnBehalf>().is_err());
    }

    #[test]
    fn kind_rules() {
        let table = [
            // kind, freezes, postponable, destroys
            (RequestKind::Access, false, true, false),
            (RequestKind::Correction, true, false, false),
            (RequestKind::Deletion, true, false, true),
            (RequestKind::Suspension, true, false, true),
        ];
        for (kind, freezes, postponable, destroys) in table {
            assert_eq!(kind.freezes_data(), freezes, "{kind}");
            assert_eq!(kind.may_be_postponed(), postponable, "{kind}");
            assert_eq!(kind.destroys_data(), destroys, "{kind}");
            assert_eq!(kind.hold_reason().is_some(), freezes, "{kind}");
        }
    }

    #[test]
    fn only_agents_need_an_authority_document() {
        assert!(!OnBehalf::SelfRequest.needs_authority_document());
        assert!(OnBehalf::LegalRepresentative.needs_authority_document());
        assert!(OnBehalf::Delegate.needs_authority_document());
    }
}
