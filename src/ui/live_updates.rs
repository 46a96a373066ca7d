//! The browser side of the live timeline: an `EventSource` on the tracking
//! link's stream that swaps in each new view. The browser reconnects by
//! itself after a dropped connection (sending `Last-Event-ID`); if it gives
//! up (the server answered with an error), we open a new one after a pause.

use crate::present::tracking_view::TrackingView;
use leptos::prelude::*;
use std::time::Duration;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{EventSource, MessageEvent};

const RETRY_AFTER: Duration = Duration::from_secs(3);

pub fn follow(token: &str, live: RwSignal<TrackingView>, announcement: RwSignal<String>) {
    open(token.to_string(), live, announcement);
}

fn open(token: String, live: RwSignal<TrackingView>, announcement: RwSignal<String>) {
    let after = live.with_untracked(|v| v.last_event_id);
    let url = format!("/t/{token}/events?after={after}");
    let Ok(source) = EventSource::new(&url) else {
        set_timeout(move || open(token, live, announcement), RETRY_AFTER);
        return;
    };

    let on_update = Closure::<dyn FnMut(MessageEvent)>::new(move |message: MessageEvent| {
        let Some(text) = message.data().as_string() else { return };
        let Ok(view) = serde_json::from_str::<TrackingView>(&text) else { return };
        let added: Vec<String> = live.with_untracked(|current| {
            view.timeline
                .iter()
                .filter(|entry| !current.timeline.iter().any(|known| known.id == entry.id))
                .map(|entry| entry.label.clone())
                .collect()
        });
        if !added.is_empty() {
            announcement.set(format!("New update: {}. {}", added.join(", "), view.headline));
        }
        live.set(view);
    });
    let _ = source.add_event_listener_with_callback("tracking", on_update.as_ref().unchecked_ref());
    on_update.forget();

    let on_error = Closure::<dyn FnMut(web_sys::Event)>::new({
        let source = source.clone();
        move |_: web_sys::Event| {
            if source.ready_state() == EventSource::CLOSED {
                let token = token.clone();
                set_timeout(move || open(token, live, announcement), RETRY_AFTER);
            }
        }
    });
    source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    on_error.forget();
}
