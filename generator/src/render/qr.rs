//! QR codes for partner links, as inline SVG (no script, so allowed by the portal's CSP).

use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

/// An `<svg>` element encoding `text`; empty if the text is too long for a QR code.
pub(super) fn svg(text: &str) -> String {
    let Ok(code) = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M) else {
        return String::new();
    };
    let image = code
        .render::<svg::Color<'_>>()
        .min_dimensions(140, 140)
        .quiet_zone(true)
        .build();
    // Drop the XML declaration: the SVG is embedded in HTML. Label it for screen readers.
    let start = image.find("<svg").unwrap_or(0);
    image[start..].replacen("<svg", "<svg role=\"img\" aria-label=\"QR code\"", 1)
}
