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
    lazy_route, path, Lazy, LazyRoute, SsrMode,
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
                <Route path=path!("/status-dictionary") view={Lazy::<StatusDictionaryRoute>::new()} ssr=SsrMode::Async/>
                // Async: the whole page (and its 404 status) is decided before
                // the first byte, so nothing shifts while it streams in.
                <Route path=path!("/t/:token") view=TrackingPage ssr=SsrMode::Async/>
                <Route path=path!("/login") view={Lazy::<SignInRoute>::new()}/>
                <Route path=path!("/login/link/:token") view={Lazy::<SignInLinkRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/portal/orders") view={Lazy::<OrdersRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/portal/orders/:number") view={Lazy::<OrderRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/portal/inbound") view={Lazy::<InboundRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/portal/deliveries") view={Lazy::<DeliveriesRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/portal/cs") view={Lazy::<SearchRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/portal/cs/exceptions") view={Lazy::<ExceptionsRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/portal/cs/returns") view={Lazy::<ReturnsRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/portal/admin/users") view={Lazy::<PeopleRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/portal/admin/edi") view={Lazy::<EdiPartnersRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/portal/admin/returns") view={Lazy::<ReturnPolicyRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/portal/dashboard") view={Lazy::<DashboardRoute>::new()} ssr=SsrMode::Async/>
            </Routes>
        </Router>
    }
}

// Pages a buyer's tracking link never opens: each one's code is a lazy
// route, split out of the main wasm by `cargo leptos build --split` and
// fetched when the page is first shown (hydrated or navigated to). Their
// data still comes from the page's own server function, inside the page.
// One unit type per page, whose view is the page.
macro_rules! lazy_routes {
    ($($route:ident => $page:ident),* $(,)?) => {$(
        struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                Self
            }

            fn view(_this: Self) -> AnyView {
                view! { <$page/> }.into_any()
            }
        }
    )*};
}

lazy_routes! {
    StatusDictionaryRoute => StatusDictionaryPage,
    SignInRoute => SignInPage,
    SignInLinkRoute => SignInLinkPage,
    OrdersRoute => OrdersPage,
    OrderRoute => OrderPage,
    InboundRoute => InboundPage,
    DeliveriesRoute => DeliveriesPage,
    SearchRoute => SearchPage,
    ExceptionsRoute => ExceptionsPage,
    ReturnsRoute => ReturnsPage,
    PeopleRoute => PeoplePage,
    EdiPartnersRoute => EdiPartnersPage,
    ReturnPolicyRoute => ReturnPolicyPage,
    DashboardRoute => DashboardPage,
}
