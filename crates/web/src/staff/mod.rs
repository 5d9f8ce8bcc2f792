//! Staff pages. Every route is declared once, in [`staff_routes!`]: the
//! router is built from the list and the list is public as [`ROUTES`], so
//! the authorization tests walk exactly the routes that exist.

pub mod admin;
pub mod calendar;
pub mod chrome;
pub mod intake;
pub mod integrations;
pub mod letterhead;
pub mod login;
pub mod password;
pub mod queue;
pub mod request;
pub mod second_factor;
pub mod separated;
pub mod session;
pub mod set_password;

use actix_web::web;

/// A staff route: method and path pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Route {
    pub method: &'static str,
    pub path: &'static str,
}

macro_rules! staff_routes {
    ($($path:literal => { $($method:ident => $handler:path),+ $(,)? }),+ $(,)?) => {
        /// Every staff route, as registered.
        pub const ROUTES: &[Route] = &[$($(Route { method: stringify!($method), path: $path }),+),+];

        pub fn routes(cfg: &mut web::ServiceConfig) {
            $(cfg.service(web::resource($path)$(.route(web::$method().to($handler)))+);)+
        }
    };
}

staff_routes! {
    "/staff" => { get => login::start },
    "/staff/login" => { get => login::form, post => login::submit },
    "/staff/login/code" => { post => login::code },
    "/staff/logout" => { post => login::logout },
    "/staff/password" => { get => password::form, post => password::submit },
    "/staff/second-factor" => { get => second_factor::form, post => second_factor::submit },
    "/staff/set-password/{token}" => { get => set_password::form, post => set_password::submit },
    "/staff/queue" => { get => queue::page },
    "/staff/separated" => { get => separated::page },
    "/staff/requests/new" => { get => intake::form, post => intake::submit },
    "/staff/requests/{reference}" => { get => request::view },
    "/staff/requests/{reference}/reveal" => { post => request::reveal },
    "/staff/requests/{reference}/documents/{document}" => { get => request::document },
    "/staff/requests/{reference}/notes" => { post => request::note },
    "/staff/requests/{reference}/messages" => { post => request::message },
    "/staff/requests/{reference}/holds" => { post => request::place_hold },
    "/staff/requests/{reference}/holds/{hold}/lift" => { post => request::lift_hold },
    "/staff/requests/{reference}/review" => { post => request::review },
    "/staff/requests/{reference}/ask" => { post => request::ask },
    "/staff/requests/{reference}/tasks/{task}/assign" => { post => request::assign },
    "/staff/requests/{reference}/tasks/{task}/complete" => { post => request::complete },
    "/staff/requests/{reference}/decide" => { post => request::decide },
    "/staff/requests/{reference}/prolong" => { post => request::prolong },
    "/staff/requests/{reference}/approve" => { post => request::approve },
    "/staff/requests/{reference}/reopen" => { post => request::reopen },
    "/staff/admin/staff" => { get => admin::staff, post => admin::create_staff },
    "/staff/admin/staff/{id}" => { post => admin::update_staff },
    "/staff/admin/grants/{id}/confirm" => { post => admin::confirm_grant },
    "/staff/admin/grants/{id}/cancel" => { post => admin::cancel_grant },
    "/staff/admin/security" => { post => admin::security },
    "/staff/admin/catalogue" => { get => admin::catalogue },
    "/staff/admin/departments" => { post => admin::department },
    "/staff/admin/systems" => { post => admin::system },
    "/staff/admin/categories" => { post => admin::category },
    "/staff/admin/rules" => { post => admin::add_rule },
    "/staff/admin/rules/{id}/delete" => { post => admin::remove_rule },
    "/staff/admin/integrations" => { get => integrations::view },
    "/staff/admin/calendar" => { get => calendar::view },
    "/staff/admin/letterhead" => { get => letterhead::view, post => letterhead::change },
    "/staff/admin/calendar/days" => { post => calendar::change },
    "/staff/admin/calendar/days/{day}/delete" => { post => calendar::undo },
    "/staff/admin/tokens" => { post => integrations::issue },
    "/staff/admin/tokens/{id}/revoke" => { post => integrations::revoke },
    "/staff/admin/systems/{code}/webhook" => { post => integrations::set_webhook },
    "/staff/admin/systems/{code}/webhook/delete" => { post => integrations::remove_webhook },
}
