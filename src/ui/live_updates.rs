//! The browser side of the live timeline: an `EventSource` on the tracking
//! link's stream that swaps in each new view. The browser reconnects by
//! itself after a dropped connection (sending `Last-Event-ID`); if it gives
//! up (the server answered with an error), we open a new one after a pause.
//! A language switch closes the stream and opens it again in the new
//! language, resuming after the newest event the page has.

use crate::present::tracking_view::{PageTexts, TrackingView};
use leptos::prelude::*;
use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{EventSource, MessageEvent};

const RETRY_AFTER: Duration = Duration::from_secs(3);

/// What the stream updates, and the stream itself (one at a time).
#[derive(Clone)]
struct Follower {
    token: String,
    language: RwSignal<String>,
    live: RwSignal<TrackingView>,
    texts: RwSignal<PageTexts>,
    announcement: RwSignal<String>,
    source: Rc<RefCell<Option<EventSource>>>,
}

pub fn follow(
    token: &str,
    language: RwSignal<String>,
    live: RwSignal<TrackingView>,
    texts: RwSignal<PageTexts>,
    announcement: RwSignal<String>,
) {
    let follower = Follower { token: token.to_string(), language, live, texts, announcement, source: Rc::default() };
    // Runs now, and again whenever the page switches language.
    Effect::new(move |_| {
        language.track();
        follower.open();
    });
}

impl Follower {
    fn open(&self) {
        if let Some(old) = self.source.borrow_mut().take() {
            old.close();
        }
        let after = self.live.with_untracked(|v| v.last_event_id);
        let lang = self.language.get_untracked();
        let url = format!("/t/{}/events?after={after}&lang={lang}", self.token);
        let Ok(source) = EventSource::new(&url) else {
            let again = self.clone();
            set_timeout(move || again.open(), RETRY_AFTER);
            return;
        };

        let (live, texts, announcement) = (self.live, self.texts, self.announcement);
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
                let lead = texts.with_untracked(|t| t.new_update.clone());
                announcement.set(format!("{lead} {}. {}", added.join(", "), view.headline));
            }
            live.set(view);
        });
        let _ = source.add_event_listener_with_callback("tracking", on_update.as_ref().unchecked_ref());
        on_update.forget();

        let on_error = Closure::<dyn FnMut(web_sys::Event)>::new({
            let (this, source) = (self.clone(), source.clone());
            move |_: web_sys::Event| {
                // Only the current stream retries; a closed old one stays closed.
                let current = this.source.borrow().as_ref().is_some_and(|s| s == &source);
                if current && source.ready_state() == EventSource::CLOSED {
                    let again = this.clone();
                    set_timeout(move || again.open(), RETRY_AFTER);
                }
            }
        });
        source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        on_error.forget();
        *self.source.borrow_mut() = Some(source);
    }
}
