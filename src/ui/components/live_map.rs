//! The last mile on the tracking page: arrival window and stops ahead as
//! text (rendered on the server, useful without wasm), and a Leaflet map
//! with the vehicle, its trail and the address, moved as fixes arrive.
//! Leaflet is fetched only when a map is first shown, after the page is
//! interactive: no other page pays for it and it never blocks rendering.

use crate::present::tracking_view::LastMileView;
use leptos::prelude::*;

#[component]
/// `texts`: the section's heading, the map's label and its two markers'
/// names, in the page's language.
pub fn LiveMap(last_mile: Signal<Option<LastMileView>>, texts: Signal<MapTexts>) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    {
        let map = std::rc::Rc::new(std::cell::RefCell::new(browser::MapState::default()));
        Effect::new(move |_| {
            if let Some(view) = last_mile.get() {
                leptos::task::spawn_local(show_map(map.clone(), view, texts.get_untracked()));
            }
        });
    }
    // The section is built once when the van first reports and then only
    // its texts and data attributes change: Leaflet owns the map element
    // (and its classes) from then on.
    let shown = Memo::new(move |_| last_mile.with(Option::is_some));
    let text = move |pick: fn(&LastMileView) -> Option<String>| move || last_mile.with(|lm| lm.as_ref().and_then(pick));
    move || {
        shown.get().then(|| {
            view! {
                <section aria-labelledby="last-mile-heading" class="rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-200">
                    <h2 id="last-mile-heading" class="text-lg font-semibold">{move || texts.with(|t| t.heading.clone())}</h2>
                    <p data-testid="eta" class="mt-1 text-xl font-semibold text-[var(--brand)]">{text(|lm| lm.eta.clone())}</p>
                    <p class="mt-1 text-sm text-slate-700">
                        {text(|lm| Some(lm.stops_text.clone()))} " · "
                        <span data-testid="position-updated">{text(|lm| Some(lm.updated.clone()))}</span>
                    </p>
                    // Where things are, for scripts and tests (the map itself is tiles and SVG).
                    // A region, not an image: Leaflet puts focusable controls inside.
                    <div id="live-map" data-testid="live-map" role="region"
                         aria-label=move || texts.with(|t| t.label.clone())
                         data-vehicle=text(|lm| Some(format!("{},{}", lm.vehicle[0], lm.vehicle[1])))
                         data-destination=text(|lm| lm.destination.map(|[lat, lng]| format!("{lat},{lng}")))
                         class="mt-3 h-72 w-full overflow-hidden rounded-lg bg-slate-100"></div>
                    <ul class="mt-2 flex flex-wrap gap-x-5 gap-y-1 text-sm text-slate-700" data-testid="map-legend">
                        <li class="flex items-center gap-1.5">
                            <img src=VAN_ICON alt="" width="18" height="18"/>
                            {move || texts.with(|t| t.vehicle.clone())}
                        </li>
                        <li class="flex items-center gap-1.5">
                            <img src=ADDRESS_ICON alt="" width="14" height="18"/>
                            {move || texts.with(|t| t.address.clone())}
                        </li>
                    </ul>
                </section>
            }
        })
    }
}

/// The van and the address differ in shape as well as colour (a round
/// badge and a pin), on the map and in its legend.
const VAN_ICON: &str = "/map/van.svg";
const ADDRESS_ICON: &str = "/map/address.svg";

/// The map section's words, in the page's language.
#[derive(Clone, Debug, PartialEq)]
pub struct MapTexts {
    pub heading: String,
    pub label: String,
    pub vehicle: String,
    pub address: String,
}

/// Draws or moves the map. Lazy: the Leaflet bindings and the drawing are
/// split out of the main wasm and fetched when a page first has a map to
/// show (a van out for delivery), like Leaflet itself.
#[cfg(feature = "hydrate")]
#[lazy]
fn show_map(map: std::rc::Rc<std::cell::RefCell<browser::MapState>>, view: LastMileView, texts: MapTexts) {
    browser::show(&map, view, texts);
}

#[cfg(feature = "hydrate")]
mod browser {
    use super::{MapTexts, ADDRESS_ICON, VAN_ICON};
    use crate::present::tracking_view::LastMileView;
    use js_sys::Array;
    use leaflet::{
        Icon, IconOptions, LatLng, LatLngBounds, Map, MapOptions, Marker, MarkerOptions, Point, Polyline, TileLayer,
        TileLayerOptions,
    };
    use std::{cell::RefCell, rc::Rc};
    use wasm_bindgen::{closure::Closure, JsCast, JsValue};

    /// The map once drawn, or the newest view waiting for Leaflet to load.
    #[derive(Default)]
    pub struct MapState {
        layers: Option<MapLayers>,
        waiting: Option<(LastMileView, MapTexts)>,
        loading: bool,
    }

    /// What moves on the map, kept between updates.
    struct MapLayers {
        vehicle: Marker,
        trail: Polyline,
    }

    fn point([lat, lng]: [f64; 2]) -> LatLng {
        LatLng::new(lat, lng)
    }

    fn marker(at: [f64; 2], title: &str, icon: &str, size: (f64, f64), anchor: (f64, f64)) -> Marker {
        let icon_options = IconOptions::new();
        icon_options.set_icon_url(icon.to_string());
        icon_options.set_icon_size(Point::new(size.0, size.1));
        icon_options.set_icon_anchor(Point::new(anchor.0, anchor.1));
        let options = MarkerOptions::new();
        options.set_icon(Icon::new(&icon_options));
        options.set_title(title.to_string());
        options.set_alt(title.to_string());
        Marker::new_with_options(&point(at), &options)
    }

    fn trail_points(view: &LastMileView) -> Array {
        view.trail.iter().map(|p| point(*p)).collect()
    }

    fn leaflet_loaded() -> bool {
        js_sys::Reflect::has(&js_sys::global(), &JsValue::from_str("L")).unwrap_or(false)
    }

    /// Adds Leaflet's stylesheet, then its script (so markers are placed by
    /// its styles from the start); `then` runs once the script has run.
    fn load_leaflet(then: impl FnOnce() + 'static) {
        let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
        let (Some(head), Ok(link), Ok(script)) =
            (document.head(), document.create_element("link"), document.create_element("script"))
        else {
            return;
        };
        let _ = script.set_attribute("src", "/leaflet/leaflet.js");
        let _ = script.add_event_listener_with_callback("load", Closure::once_into_js(then).unchecked_ref());
        let after_styles = Closure::once_into_js(move || {
            if let Some(head) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.head()) {
                let _ = head.append_child(&script);
            }
        });
        let _ = link.set_attribute("rel", "stylesheet");
        let _ = link.set_attribute("href", "/leaflet/leaflet.css");
        let _ = link.add_event_listener_with_callback("load", after_styles.unchecked_ref());
        let _ = head.append_child(&link);
    }

    /// Draws the map the first time (loading Leaflet if need be), then only
    /// moves the vehicle and extends its trail.
    pub fn show(state: &Rc<RefCell<MapState>>, view: LastMileView, texts: MapTexts) {
        let mut current = state.borrow_mut();
        if let Some(existing) = &current.layers {
            existing.vehicle.set_lat_lng(&point(view.vehicle));
            existing.trail.set_lat_lngs(&trail_points(&view));
            return;
        }
        if leaflet_loaded() {
            current.layers = draw(&view, &texts);
            return;
        }
        current.waiting = Some((view, texts));
        if !std::mem::replace(&mut current.loading, true) {
            let state = state.clone();
            load_leaflet(move || {
                let mut current = state.borrow_mut();
                if let Some((view, texts)) = current.waiting.take() {
                    current.layers = draw(&view, &texts);
                }
            });
        }
    }

    fn draw(view: &LastMileView, texts: &MapTexts) -> Option<MapLayers> {
        let map = Map::new("live-map", &MapOptions::new()).ok()?;
        if let Some(url) = &view.tiles {
            let options = TileLayerOptions::new();
            options.set_attribution(view.attribution.clone());
            TileLayer::new_options(url, &options).add_to(&map);
        }
        let trail = Polyline::new(&trail_points(view));
        trail.add_to(&map);
        let vehicle = marker(view.vehicle, &texts.vehicle, VAN_ICON, (36.0, 36.0), (18.0, 18.0));
        vehicle.add_to(&map);
        match view.destination {
            Some(destination) => {
                marker(destination, &texts.address, ADDRESS_ICON, (32.0, 42.0), (16.0, 41.0)).add_to(&map);
                map.fit_bounds(&LatLngBounds::new(&point(view.vehicle), &point(destination)));
            }
            None => {
                map.set_view(&point(view.vehicle), 14.0);
            }
        }
        Some(MapLayers { vehicle, trail })
    }
}
