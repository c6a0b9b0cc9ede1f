//! IPTC IIM, the caption and credit news agencies' photos carry in a JPEG's
//! APP13 segment (inside Photoshop's "8BIM" resource 0x0404) when they
//! carry no XMP. Hand-written, because no maintained crate reads it alone
//! (the ones that do pull in a whole metadata toolkit) and the format is
//! small and fixed since 1999: tagged records `0x1C record dataset length
//! data`. Every length is checked against what is left, so a damaged
//! segment reads as no caption, never as a panic.

/// What a photo's IIM says of it.
#[derive(Debug, Default, PartialEq)]
pub struct Iim {
    /// 2:120 Caption/Abstract.
    pub caption: Option<String>,
    /// 2:110 Credit.
    pub credit: Option<String>,
    /// 2:80 By-line (the photographer).
    pub byline: Option<String>,
}

/// The IIM of a JPEG's APP13 segment, if it has one.
pub fn read(bytes: &[u8]) -> Iim {
    app13(bytes)
        .and_then(iptc_resource)
        .map(records)
        .unwrap_or_default()
}

/// The payload of the JPEG's first Photoshop APP13 segment.
fn app13(bytes: &[u8]) -> Option<&[u8]> {
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return None;
    }
    let mut at = 2;
    while at + 4 <= bytes.len() {
        if bytes[at] != 0xFF {
            return None;
        }
        let marker = bytes[at + 1];
        // The image data starts: no metadata after it.
        if marker == 0xDA || marker == 0xD9 {
            return None;
        }
        let len = usize::from(u16::from_be_bytes([bytes[at + 2], bytes[at + 3]]));
        let payload = bytes.get(at + 4..at + 2 + len)?;
        if marker == 0xED
            && let Some(rest) = payload.strip_prefix(b"Photoshop 3.0\0")
        {
            return Some(rest);
        }
        at += 2 + len;
    }
    None
}

/// The data of the 8BIM resource 0x0404 (IPTC-NAA).
fn iptc_resource(mut data: &[u8]) -> Option<&[u8]> {
    while data.len() >= 12 {
        let rest = data.strip_prefix(b"8BIM")?;
        let id = u16::from_be_bytes([rest[0], rest[1]]);
        // A Pascal name padded to an even length, with its length byte.
        let name = usize::from(rest[2]) + 1;
        let rest = rest.get(2 + name + name % 2..)?;
        let size = u32::from_be_bytes(rest.get(..4)?.try_into().ok()?) as usize;
        let body = rest.get(4..4 + size)?;
        if id == 0x0404 {
            return Some(body);
        }
        data = rest.get(4 + size + size % 2..)?;
    }
    None
}

/// The caption, credit and by-line records of an IIM block.
fn records(mut data: &[u8]) -> Iim {
    let mut iim = Iim::default();
    while data.len() >= 5 && data[0] == 0x1C {
        let (record, dataset) = (data[1], data[2]);
        let len = u16::from_be_bytes([data[3], data[4]]);
        // An extended length (top bit set) is only used for huge records,
        // never for text: stop there.
        if len & 0x8000 != 0 {
            break;
        }
        let Some(value) = data.get(5..5 + usize::from(len)) else {
            break;
        };
        let slot = match (record, dataset) {
            (2, 120) => &mut iim.caption,
            (2, 110) => &mut iim.credit,
            (2, 80) => &mut iim.byline,
            _ => {
                data = &data[5 + usize::from(len)..];
                continue;
            }
        };
        if slot.is_none() {
            *slot = text(value);
        }
        data = &data[5 + usize::from(len)..];
    }
    iim
}

/// A record's text: UTF-8 (what current tools write, with the 1:90 marker
/// or without), else Latin-1 (what old ones did); control characters out.
fn text(value: &[u8]) -> Option<String> {
    let text = match std::str::from_utf8(value) {
        Ok(text) => text.to_string(),
        Err(_) => value.iter().map(|&b| char::from(b)).collect(),
    };
    let text: String = text.chars().filter(|c| !c.is_control()).collect();
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}

/// An APP13 segment holding `records` (record 2 datasets and their text),
/// for tests.
#[cfg(test)]
pub fn segment(records: &[(u8, &[u8])]) -> Vec<u8> {
    let mut iim = Vec::new();
    for (dataset, text) in records {
        iim.extend([0x1C, 2, *dataset]);
        iim.extend((text.len() as u16).to_be_bytes());
        iim.extend(*text);
    }
    let mut resource = b"8BIM\x04\x04\x00\x00".to_vec();
    resource.extend((iim.len() as u32).to_be_bytes());
    resource.extend(&iim);
    if iim.len() % 2 == 1 {
        resource.push(0);
    }
    let mut payload = b"Photoshop 3.0\0".to_vec();
    // Another resource first, as Photoshop writes them.
    payload.extend(b"8BIM\x04\x0c\x03abc\x00\x00\x00\x03xyz\x00");
    payload.extend(resource);
    let mut seg = vec![0xFF, 0xED];
    seg.extend(((payload.len() + 2) as u16).to_be_bytes());
    seg.extend(payload);
    seg
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jpeg(segment: &[u8]) -> Vec<u8> {
        let mut bytes = vec![0xFF, 0xD8];
        bytes.extend(segment);
        bytes.extend([0xFF, 0xDA, 0x00, 0x02, 0xFF, 0xD9]);
        bytes
    }

    #[test]
    fn reads_caption_credit_and_byline() {
        let bytes = jpeg(&segment(&[
            (5, b"Object name"),
            (120, "عکاسان در بندر".as_bytes()),
            (110, b"Agency"),
            (80, b"A. Photographer"),
        ]));
        assert_eq!(
            read(&bytes),
            Iim {
                caption: Some("عکاسان در بندر".into()),
                credit: Some("Agency".into()),
                byline: Some("A. Photographer".into()),
            }
        );
    }

    #[test]
    fn latin1_and_damage_never_panic() {
        // The é as Latin-1, as older agency tools wrote it.
        let seg = segment(&[(120, b"Caf\xe9\x07 au lait")]);
        assert_eq!(read(&jpeg(&seg)).caption.as_deref(), Some("Café au lait"));
        // Cut anywhere, or its lengths wrong: no caption, no panic.
        for cut in 0..seg.len() {
            let _ = read(&jpeg(&seg[..cut]));
        }
        let mut long = seg.clone();
        let at = long.len() - 15;
        long[at] = 0xFF;
        let _ = read(&jpeg(&long));
        assert_eq!(read(b"not a jpeg"), Iim::default());
    }
}
