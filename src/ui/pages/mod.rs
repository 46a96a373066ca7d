pub mod home;
pub mod not_found;
pub mod portal;
pub mod status_dictionary;
pub mod tracking;
