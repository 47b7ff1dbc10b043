//! The console's two effects on the user's desktop: copying through the terminal (OSC 52,
//! which works over SSH and in tmux with `set-clipboard on`) and opening a URL with the
//! platform's opener (`open` on macOS; `xdg-open` where there is a display). Run by the
//! effect runner on the console's thread, between frames; `update` only asks.

use std::io::Write;
use std::process::{Command, Stdio};

/// Standard base64 (RFC 4648, with padding).
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The OSC 52 sequence that puts `text` on the clipboard: `ESC ] 52 ; c ; BASE64 BEL`.
pub fn osc52(text: &str) -> String {
    format!("\x1b]52;c;{}\x07", base64(text.as_bytes()))
}

/// The program that opens a URL here: `open` on macOS, `xdg-open` with an X or Wayland
/// display; `None` (the URL is only shown) otherwise, as over SSH.
pub fn opener(macos: bool, display: bool) -> Option<&'static str> {
    if macos {
        Some("open")
    } else if display {
        Some("xdg-open")
    } else {
        None
    }
}

/// [`opener`] for this machine.
pub fn opener_here() -> Option<&'static str> {
    let set = |v: &str| std::env::var_os(v).is_some_and(|x| !x.is_empty());
    opener(
        cfg!(target_os = "macos"),
        set("DISPLAY") || set("WAYLAND_DISPLAY"),
    )
}

/// Writes the OSC 52 sequence for `text` to the terminal.
pub(crate) fn copy_to_clipboard(text: &str) {
    let mut out = std::io::stdout().lock();
    if let Err(e) = out
        .write_all(osc52(text).as_bytes())
        .and_then(|()| out.flush())
    {
        tracing::warn!("copy through OSC 52: {e}");
    }
}

/// Starts the opener on `url`, detached from the terminal (its output would draw over the
/// console); a failure is logged (the URL is on screen already).
pub(crate) fn open_url(url: &str) {
    let Some(program) = opener_here() else {
        return;
    };
    let started = Command::new(program)
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    match started {
        // Reaped on a thread so it does not stay a zombie.
        Ok(mut child) => {
            std::thread::spawn(move || child.wait());
        }
        Err(e) => tracing::warn!("{program} {url}: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc_4648_vectors() {
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(plain.as_bytes()), encoded, "{plain}");
        }
    }

    #[test]
    fn osc52_carries_a_task_id_in_base64() {
        assert_eq!(
            osc52("0f3c2a1b9d8e4f60a1b2c3d4e5f60718"),
            "\x1b]52;c;MGYzYzJhMWI5ZDhlNGY2MGExYjJjM2Q0ZTVmNjA3MTg=\x07"
        );
    }

    #[test]
    fn the_opener_needs_macos_or_a_display() {
        assert_eq!(opener(true, false), Some("open"));
        assert_eq!(opener(false, true), Some("xdg-open"));
        assert_eq!(opener(false, false), None);
    }
}
