//! Who may do what to which record. Every portal page, server function,
//! form handler and API route asks here; nothing else decides.
//!
//! Two rules, applied in this order:
//! 1. A record outside the person's reach (another tenant, or another
//!    customer account for account users) does not exist for them: the
//!    answer is `NotFound`, the same as for an id that was never issued.
//! 2. Within reach, the role decides: `Forbidden` when it may not.

use crate::domain::{AccountId, TenantId, UserId};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Places orders for a customer account and follows them.
    Buyer,
    /// Receives a customer account's deliveries at its sites.
    Receiver,
    /// Accounts payable: matches a customer account's invoices to proofs of delivery.
    Ap,
    /// The tenant's customer service: every order of the tenant.
    Cs,
    /// The tenant's administrator: CS's reach, plus managing people.
    Admin,
}

impl Role {
    pub const ALL: [Role; 5] = [Role::Buyer, Role::Receiver, Role::Ap, Role::Cs, Role::Admin];

    pub fn code(self) -> &'static str {
        match self {
            Role::Buyer => "buyer",
            Role::Receiver => "receiver",
            Role::Ap => "ap",
            Role::Cs => "cs",
            Role::Admin => "admin",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Buyer => "Buyer",
            Role::Receiver => "Receiver",
            Role::Ap => "Accounts payable",
            Role::Cs => "Customer service",
            Role::Admin => "Administrator",
        }
    }

    /// Tenant staff see every account's orders; everyone else belongs to one account.
    pub fn is_staff(self) -> bool {
        matches!(self, Role::Cs | Role::Admin)
    }

    /// Where this role starts after signing in.
    pub fn home(self) -> &'static str {
        match self {
            Role::Buyer => "/portal/orders",
            Role::Receiver => "/portal/inbound",
            Role::Ap => "/portal/deliveries",
            Role::Cs => "/portal/cs",
            Role::Admin => "/portal/admin/users",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.code() == s)
            .ok_or_else(|| format!("unknown role `{s}` (expected buyer, receiver, ap, cs or admin)"))
    }
}

/// A signed-in person, as their session vouches for them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub id: UserId,
    pub tenant: TenantId,
    pub account: Option<AccountId>,
    pub role: Role,
    pub name: String,
    pub email: String,
}

/// Whose a record is: every order (and what hangs off it) has a tenant and,
/// usually, a customer account.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Owner {
    pub tenant: TenantId,
    pub account: Option<AccountId>,
}

/// Everything a person can ask to do in the portal.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    /// Lists and the order page: lines, shipments, the customer timeline, documents.
    ViewOrder,
    /// Proof-of-delivery files and the generated PDF.
    DownloadProofOfDelivery,
    /// The inbound board and the receiving form.
    ViewInbound,
    Receive,
    /// Delivered orders with POD status, the CSV export and the bulk ZIP.
    ExportDeliveries,
    /// The console: search across the tenant, exceptions queue.
    SearchAllOrders,
    /// Internal events, notifications, tracking links and the audit log.
    ViewInternal,
    ResendNotification,
    AddNote,
    OverrideStatus,
    ManageTrackingLink,
    ManageUsers,
    /// Trading-partner profiles and the interchanges received with their
    /// acknowledgments.
    ManageEdiPartners,
    /// The KPI dashboard, its CSV tables and `GET /api/v1/kpis`.
    ViewKpis,
    /// Ask for a return of delivered lines: a buyer for their account,
    /// customer service for a caller.
    RequestReturn,
    /// The returns queue: approve or decline a return.
    DecideReturn,
    /// The return policy and the return addresses.
    ManageReturnPolicy,
}

impl Action {
    /// Which roles may do this (within reach).
    fn allowed(self, role: Role) -> bool {
        use Role::*;
        match self {
            Action::ViewOrder | Action::DownloadProofOfDelivery => true,
            Action::ViewInbound | Action::Receive => role == Receiver,
            Action::ExportDeliveries => matches!(role, Ap | Cs | Admin),
            Action::RequestReturn => matches!(role, Buyer | Cs | Admin),
            Action::SearchAllOrders
            | Action::ViewInternal
            | Action::ResendNotification
            | Action::AddNote
            | Action::OverrideStatus
            | Action::ManageTrackingLink
            | Action::ViewKpis
            | Action::DecideReturn => role.is_staff(),
            Action::ManageUsers | Action::ManageEdiPartners | Action::ManageReturnPolicy => role == Admin,
        }
    }
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    Allow,
    /// Within reach, but not for this role (HTTP 403).
    Forbidden,
    /// Out of reach: the record does not exist for this person (HTTP 404).
    NotFound,
}

/// May this person do this to a record owned by `owner`?
pub fn decide(person: &Person, action: Action, owner: Owner) -> Decision {
    if !within_reach(person, owner) {
        return Decision::NotFound;
    }
    allow_if(action.allowed(person.role))
}

/// May this person do this at all (a page or list with no single record)?
/// Lists are then scoped by [`reach`].
pub fn decide_role(person: &Person, action: Action) -> Decision {
    allow_if(action.allowed(person.role))
}

fn allow_if(allowed: bool) -> Decision {
    if allowed {
        Decision::Allow
    } else {
        Decision::Forbidden
    }
}

fn within_reach(person: &Person, owner: Owner) -> bool {
    person.tenant == owner.tenant
        && (person.role.is_staff() || (person.account.is_some() && person.account == owner.account))
}

/// Which records a list may show this person: the store filters by it.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Reach {
    pub tenant: TenantId,
    /// `None` for tenant staff: every account.
    pub account: Option<AccountId>,
}

pub fn reach(person: &Person) -> Reach {
    Reach { tenant: person.tenant, account: if person.role.is_staff() { None } else { person.account } }
}

/// Which roles an administrator may give, and to whom: account roles need
/// an account of the same tenant, staff roles none.
pub fn valid_assignment(role: Role, account: Option<AccountId>) -> bool {
    role.is_staff() == account.is_none()
}

/// What an API key may do: one scope per kind of system calling.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    Oms,
    Wms,
    Carrier,
    Admin,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Oms => "oms",
            Scope::Wms => "wms",
            Scope::Carrier => "carrier",
            Scope::Admin => "admin",
        }
    }
}

impl FromStr for Scope {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "oms" => Ok(Scope::Oms),
            "wms" => Ok(Scope::Wms),
            "carrier" => Ok(Scope::Carrier),
            "admin" => Ok(Scope::Admin),
            other => Err(format!("unknown scope `{other}` (expected oms, wms, carrier or admin)")),
        }
    }
}

/// Systems calling the API are decided here too. A key may do what its
/// scopes say, and an admin key everything; only within its own tenant,
/// since every API query is scoped by the key's tenant (another tenant's
/// record is a 404, as for people).
pub fn key_allows(scopes: &std::collections::BTreeSet<Scope>, scope: Scope) -> bool {
    scopes.contains(&scope) || scopes.contains(&Scope::Admin)
}

#[cfg(test)]
mod tests {
    use super::*;

    const T1: TenantId = TenantId(1);
    const T2: TenantId = TenantId(2);
    const A: Option<AccountId> = Some(AccountId(10));
    const B: Option<AccountId> = Some(AccountId(11));

    fn person(role: Role) -> Person {
        Person {
            id: UserId(1),
            tenant: T1,
            account: if role.is_staff() { None } else { A },
            role,
            name: "P".into(),
            email: "p@example.com".into(),
        }
    }

    #[test]
    fn other_tenants_records_do_not_exist_for_anyone() {
        for role in Role::ALL {
            assert_eq!(decide(&person(role), Action::ViewOrder, Owner { tenant: T2, account: A }), Decision::NotFound);
        }
    }

    #[test]
    fn account_users_reach_only_their_account_and_staff_reach_all() {
        let other_account = Owner { tenant: T1, account: B };
        let no_account = Owner { tenant: T1, account: None };
        for role in [Role::Buyer, Role::Receiver, Role::Ap] {
            assert_eq!(decide(&person(role), Action::ViewOrder, other_account), Decision::NotFound);
            assert_eq!(decide(&person(role), Action::ViewOrder, no_account), Decision::NotFound);
            assert_eq!(decide(&person(role), Action::ViewOrder, Owner { tenant: T1, account: A }), Decision::Allow);
        }
        for role in [Role::Cs, Role::Admin] {
            assert_eq!(decide(&person(role), Action::ViewOrder, other_account), Decision::Allow);
            assert_eq!(decide(&person(role), Action::ViewOrder, no_account), Decision::Allow);
        }
    }

    #[test]
    fn an_account_user_without_an_account_reaches_nothing() {
        let mut orphan = person(Role::Buyer);
        orphan.account = None;
        assert_eq!(decide(&orphan, Action::ViewOrder, Owner { tenant: T1, account: None }), Decision::NotFound);
    }

    #[test]
    fn within_reach_the_role_decides() {
        let own = Owner { tenant: T1, account: A };
        let table = [
            (Action::Receive, vec![Role::Receiver]),
            (Action::ExportDeliveries, vec![Role::Ap, Role::Cs, Role::Admin]),
            (Action::OverrideStatus, vec![Role::Cs, Role::Admin]),
            (Action::ManageUsers, vec![Role::Admin]),
            (Action::ManageEdiPartners, vec![Role::Admin]),
            (Action::ManageReturnPolicy, vec![Role::Admin]),
            (Action::ViewKpis, vec![Role::Cs, Role::Admin]),
            (Action::RequestReturn, vec![Role::Buyer, Role::Cs, Role::Admin]),
            (Action::DecideReturn, vec![Role::Cs, Role::Admin]),
            (Action::DownloadProofOfDelivery, Role::ALL.to_vec()),
        ];
        for (action, allowed) in table {
            for role in Role::ALL {
                let expected = if allowed.contains(&role) { Decision::Allow } else { Decision::Forbidden };
                assert_eq!(decide(&person(role), action, own), expected, "{role} {action:?}");
            }
        }
    }

    #[test]
    fn lists_are_scoped_to_the_account_or_the_whole_tenant() {
        assert_eq!(reach(&person(Role::Ap)), Reach { tenant: T1, account: A });
        assert_eq!(reach(&person(Role::Cs)), Reach { tenant: T1, account: None });
        assert!(valid_assignment(Role::Cs, None) && !valid_assignment(Role::Cs, A));
        assert!(valid_assignment(Role::Buyer, A) && !valid_assignment(Role::Buyer, None));
    }
}
