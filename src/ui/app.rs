//! The Leptos application: the document shell and the router, one route
//! per page of the tracking site and the portal.

use crate::ui::components::page_title::PageTitle;
use crate::ui::pages::dashboard::DashboardPage;
use crate::ui::pages::portal::{
    deliveries::DeliveriesPage,
    edi_partners::EdiPartnersPage,
    inbound::InboundPage,
    order::OrderPage,
    orders::OrdersPage,
    people::PeoplePage,
    return_policy::ReturnPolicyPage,
    returns::ReturnsPage,
    service::{ExceptionsPage, SearchPage},
    sign_in::{SignInLinkPage, SignInPage},
};
use crate::ui::pages::{
    home::HomePage, not_found::NotFound, status_dictionary::StatusDictionaryPage, tracking::TrackingPage,
};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags};
use leptos_router::{
    components::{Route, Router, Routes},
    path, SsrMode,
};

/// The HTML document around the app: the one every page shares
/// (`shell::document`), with the hydration scripts and leptos_meta's tags
/// in its head. (The server wraps it to set the Content-Security-Policy
/// with this response's script nonce.)
pub fn shell(options: LeptosOptions) -> impl IntoView {
    crate::shell::document(
        shell_language(),
        view! {
            <HydrationScripts options/>
            <MetaTags/>
        },
        view! { <App/> },
    )
}

/// Tracking pages set their buyer's language themselves (`<Html>`); every
/// other page of the app is English.
fn shell_language() -> Option<crate::shell::PageLanguage> {
    #[cfg(feature = "ssr")]
    {
        let path = use_context::<axum::http::request::Parts>().map(|r| r.uri.path().to_string()).unwrap_or_default();
        if path.starts_with("/t/") {
            return None;
        }
    }
    Some(crate::shell::PageLanguage::ENGLISH)
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <PageTitle text="Milepost"/>
        <Router>
            <Routes fallback=|| view! { <NotFound/> }>
                <Route path=path!("/") view=HomePage/>
                <Route path=path!("/status-dictionary") view=StatusDictionaryPage ssr=SsrMode::Async/>
                // Async: the whole page (and its 404 status) is decided before
                // the first byte, so nothing shifts while it streams in.
                <Route path=path!("/t/:token") view=TrackingPage ssr=SsrMode::Async/>
                <Route path=path!("/login") view=SignInPage/>
                <Route path=path!("/login/link/:token") view=SignInLinkPage ssr=SsrMode::Async/>
                <Route path=path!("/portal/orders") view=OrdersPage ssr=SsrMode::Async/>
                <Route path=path!("/portal/orders/:number") view=OrderPage ssr=SsrMode::Async/>
                <Route path=path!("/portal/inbound") view=InboundPage ssr=SsrMode::Async/>
                <Route path=path!("/portal/deliveries") view=DeliveriesPage ssr=SsrMode::Async/>
                <Route path=path!("/portal/cs") view=SearchPage ssr=SsrMode::Async/>
                <Route path=path!("/portal/cs/exceptions") view=ExceptionsPage ssr=SsrMode::Async/>
                <Route path=path!("/portal/cs/returns") view=ReturnsPage ssr=SsrMode::Async/>
                <Route path=path!("/portal/admin/users") view=PeoplePage ssr=SsrMode::Async/>
                <Route path=path!("/portal/admin/edi") view=EdiPartnersPage ssr=SsrMode::Async/>
                <Route path=path!("/portal/admin/returns") view=ReturnPolicyPage ssr=SsrMode::Async/>
                <Route path=path!("/portal/dashboard") view=DashboardPage ssr=SsrMode::Async/>
            </Routes>
        </Router>
    }
}
