//! Proof-of-delivery images: what they are, judged from their bytes (never
//! from the name or the declared type), and the same image without its
//! metadata. A phone photo carries the GPS position of the driver's previous
//! stops, the device serial and more in EXIF; none of that is ours to keep.

/// The image formats a signature pad or a driver's camera produce.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum ImageKind {
    Png,
    Jpeg,
}

impl ImageKind {
    pub fn content_type(self) -> &'static str {
        match self {
            ImageKind::Png => "image/png",
            ImageKind::Jpeg => "image/jpeg",
        }
    }

    pub fn parse_content_type(value: &str) -> Option<Self> {
        match value {
            "image/png" => Some(ImageKind::Png),
            "image/jpeg" => Some(ImageKind::Jpeg),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImageError {
    #[error("is not a PNG or JPEG image")]
    UnknownType,
    #[error("is a damaged {0} image: {1}")]
    Damaged(&'static str, &'static str),
}

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// What the bytes are, from their signature.
pub fn sniff(bytes: &[u8]) -> Option<ImageKind> {
    if bytes.starts_with(PNG_SIGNATURE) {
        Some(ImageKind::Png)
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(ImageKind::Jpeg)
    } else {
        None
    }
}

/// The image with its metadata removed, checked to be whole on the way.
pub fn strip_metadata(bytes: &[u8]) -> Result<(ImageKind, Vec<u8>), ImageError> {
    match sniff(bytes) {
        Some(ImageKind::Png) => Ok((ImageKind::Png, strip_png(bytes)?)),
        Some(ImageKind::Jpeg) => Ok((ImageKind::Jpeg, strip_jpeg(bytes)?)),
        None => Err(ImageError::UnknownType),
    }
}

/// Keeps the chunks that draw the picture; drops text, time, EXIF and any
/// private chunk.
fn strip_png(bytes: &[u8]) -> Result<Vec<u8>, ImageError> {
    const KEEP: [&[u8; 4]; 10] =
        [b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"sBIT", b"pHYs"];
    let damaged = |why| ImageError::Damaged("PNG", why);
    let mut out = PNG_SIGNATURE.to_vec();
    let mut at = PNG_SIGNATURE.len();
    let mut first = true;
    loop {
        let header = bytes.get(at..at + 8).ok_or(damaged("it ends before IEND"))?;
        let length = u32::from_be_bytes(header[..4].try_into().expect("4 bytes")) as usize;
        let kind: &[u8; 4] = header[4..8].try_into().expect("4 bytes");
        let end = at.checked_add(12 + length).ok_or(damaged("a chunk is too long"))?;
        let chunk = bytes.get(at..end).ok_or(damaged("a chunk runs past the end"))?;
        if first && kind != b"IHDR" {
            return Err(damaged("it does not start with IHDR"));
        }
        first = false;
        if KEEP.contains(&kind) {
            out.extend_from_slice(chunk);
        }
        at = end;
        if kind == b"IEND" {
            return Ok(out);
        }
    }
}

/// Keeps JFIF (APP0), the quantisation and Huffman tables, frame and scan
/// headers and the image data; drops APP1-APP15 (EXIF, XMP, ICC, maker
/// notes) and comments.
fn strip_jpeg(bytes: &[u8]) -> Result<Vec<u8>, ImageError> {
    let damaged = |why| ImageError::Damaged("JPEG", why);
    let mut out = vec![0xFF, 0xD8];
    let mut at = 2;
    loop {
        let marker = bytes.get(at..at + 2).ok_or(damaged("it ends before the image data"))?;
        if marker[0] != 0xFF {
            return Err(damaged("a segment does not start with a marker"));
        }
        let code = marker[1];
        if code == 0xD9 {
            return Err(damaged("it has no image data"));
        }
        let length_bytes = bytes.get(at + 2..at + 4).ok_or(damaged("a segment header is cut off"))?;
        let length = u16::from_be_bytes([length_bytes[0], length_bytes[1]]) as usize;
        if length < 2 {
            return Err(damaged("a segment length is impossible"));
        }
        let end = at + 2 + length;
        let segment = bytes.get(at..end).ok_or(damaged("a segment runs past the end"))?;
        let metadata = (0xE1..=0xEF).contains(&code) || code == 0xFE;
        if !metadata {
            out.extend_from_slice(segment);
        }
        at = end;
        if code == 0xDA {
            // Start of scan: the rest is image data up to the end marker.
            let rest = &bytes[at..];
            if !rest.ends_with(&[0xFF, 0xD9]) {
                return Err(damaged("it does not end with EOI"));
            }
            out.extend_from_slice(rest);
            return Ok(out);
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
        let mut chunk = (data.len() as u32).to_be_bytes().to_vec();
        chunk.extend_from_slice(kind);
        chunk.extend_from_slice(data);
        chunk.extend_from_slice(&[0, 0, 0, 0]); // CRC, not checked here
        chunk
    }

    /// A PNG with a text chunk and an EXIF chunk carrying a position.
    pub fn png_with_metadata() -> Vec<u8> {
        let mut png = PNG_SIGNATURE.to_vec();
        png.extend(png_chunk(b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]));
        png.extend(png_chunk(b"tEXt", b"Comment\0signed at 41.88,-87.63"));
        png.extend(png_chunk(b"eXIf", b"GPS 41.88 -87.63"));
        png.extend(png_chunk(b"IDAT", &[1, 2, 3]));
        png.extend(png_chunk(b"IEND", &[]));
        png
    }

    /// A JPEG with an EXIF (APP1) segment and a comment.
    pub fn jpeg_with_metadata() -> Vec<u8> {
        let mut jpeg = vec![0xFF, 0xD8];
        jpeg.extend([0xFF, 0xE0, 0, 7, b'J', b'F', b'I', b'F', 0]);
        jpeg.extend([0xFF, 0xE1, 0, 10, b'E', b'x', b'i', b'f', 0, 0, b'G', b'P']);
        jpeg.extend([0xFF, 0xFE, 0, 6, b'h', b'i', b'!', b'!']);
        jpeg.extend([0xFF, 0xDB, 0, 4, 9, 9]);
        jpeg.extend([0xFF, 0xDA, 0, 4, 1, 1, 0x12, 0x34, 0x56, 0xFF, 0xD9]);
        jpeg
    }

    #[test]
    fn types_come_from_the_bytes() {
        assert_eq!(sniff(&png_with_metadata()), Some(ImageKind::Png));
        assert_eq!(sniff(&jpeg_with_metadata()), Some(ImageKind::Jpeg));
        assert_eq!(sniff(b"GIF89a..."), None);
        assert_eq!(sniff(b"%PDF-1.7"), None);
        assert_eq!(strip_metadata(b"<svg/>"), Err(ImageError::UnknownType));
    }

    #[test]
    fn png_text_and_exif_are_removed_and_the_picture_kept() {
        let (kind, clean) = strip_metadata(&png_with_metadata()).unwrap();
        assert_eq!(kind, ImageKind::Png);
        let text = String::from_utf8_lossy(&clean);
        assert!(!text.contains("tEXt") && !text.contains("eXIf") && !text.contains("41.88"));
        assert!(text.contains("IHDR") && text.contains("IDAT") && text.contains("IEND"));
        assert_eq!(strip_metadata(&clean).unwrap().1, clean, "stripping twice changes nothing");
    }

    #[test]
    fn jpeg_exif_and_comments_are_removed_and_the_scan_kept() {
        let (kind, clean) = strip_metadata(&jpeg_with_metadata()).unwrap();
        assert_eq!(kind, ImageKind::Jpeg);
        assert!(!clean.windows(4).any(|w| w == b"Exif") && !clean.windows(2).any(|w| w == [0xFF, 0xFE]));
        assert!(clean.windows(4).any(|w| w == b"JFIF"));
        assert!(clean.ends_with(&[0x12, 0x34, 0x56, 0xFF, 0xD9]));
    }

    #[test]
    fn damaged_images_are_refused() {
        let png = png_with_metadata();
        assert!(matches!(strip_metadata(&png[..png.len() - 12]), Err(ImageError::Damaged("PNG", _))));
        let jpeg = jpeg_with_metadata();
        assert!(matches!(strip_metadata(&jpeg[..jpeg.len() - 2]), Err(ImageError::Damaged("JPEG", _))));
        assert!(matches!(strip_metadata(&[0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF]), Err(ImageError::Damaged(..))));
        let mut huge = PNG_SIGNATURE.to_vec();
        huge.extend([0xFF, 0xFF, 0xFF, 0xF0, b'I', b'H', b'D', b'R']);
        assert!(strip_metadata(&huge).is_err());
    }
}
