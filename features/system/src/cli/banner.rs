//! `banner KIND c TEXT c` and `no banner KIND`: the opening line, the text
//! mode that takes the lines after it, and the rendering.

use crate::banner::{check_text, split_delimiter, text_line, BannerKind, BANNER_TEXT};
use crate::model::SystemConfig;
use lisa_engine::render::{order, Rendered};
use lisa_engine::text::reject;
use lisa_engine::{
    arg, kw, ApplyError, ArgKind, Args, Config, ConfigCtx, ConfigHandler, Fields, Mode, Node,
    Registry,
};
use lisa_proto::prost_types::Any;
use lisa_proto::v1::{RunningConfig, SystemBanners};

type Tree = Vec<Node<ConfigHandler>>;

fn help(kind: BannerKind) -> &'static str {
    match kind {
        BannerKind::Exec => "Set EXEC process creation banner",
        BannerKind::Incoming => "Set incoming terminal line banner",
        BannerKind::Login => "Set login banner",
        BannerKind::Motd => "Set Message of the Day banner",
    }
}

/// `banner KIND LINE` and `no banner KIND`.
pub fn global_commands() -> Tree {
    let kinds = |negated: bool| -> Tree {
        BannerKind::ALL
            .into_iter()
            .map(|k| {
                let node = kw(
                    k.name(),
                    help(k),
                    if negated {
                        vec![]
                    } else {
                        vec![arg(
                            "text",
                            ArgKind::Line,
                            "c banner-text c, where 'c' is a delimiting character",
                            vec![],
                        )
                        .runs(banner as ConfigHandler)]
                    },
                );
                if negated {
                    node.runs(banner as ConfigHandler)
                } else {
                    node
                }
            })
            .collect()
    };
    vec![
        kw("banner", "Define a login banner", kinds(false)),
        kw(
            "no",
            "Negate a command or set its defaults",
            vec![kw("banner", "Define a login banner", kinds(true))],
        ),
    ]
}

fn banner(ctx: &mut ConfigCtx<'_>, a: &Args) -> Result<(), ApplyError> {
    let kind = BannerKind::ALL
        .into_iter()
        .find(|k| a.has(k.name()))
        .ok_or_else(|| reject("which banner?"))?;
    let banners = &mut ctx.cfg.get_mut::<SystemConfig>().banners;
    if a.negated() {
        banners.remove(&kind);
        return Ok(());
    }
    let (delimiter, after) = split_delimiter(a.text("text").unwrap_or_default())
        .ok_or_else(|| reject("a banner needs a delimiting character"))?;
    let (first, ended) = text_line(after, delimiter);
    check_text(first).map_err(reject)?;
    banners.insert(kind, first.to_string());
    if !ended {
        *ctx.mode = Mode::sub(
            BANNER_TEXT,
            vec![kind.name().to_string(), delimiter.to_string()],
        );
        ctx.notice(format!(
            "Enter TEXT message.  End with the character '{delimiter}'."
        ));
    }
    Ok(())
}

/// A line of a banner's text (the text mode `banner-text`): added to the
/// banner, up to the delimiter, which ends it.
pub fn text(ctx: &mut ConfigCtx<'_>, line: &str) -> Result<(), ApplyError> {
    let targets = ctx.targets();
    let kind = targets.first().and_then(|k| BannerKind::named(k));
    let (Some(kind), Some(delimiter)) = (kind, targets.get(1)) else {
        *ctx.mode = Mode::global();
        return Err(reject("banner text outside a banner"));
    };
    let (part, ended) = text_line(line, delimiter);
    check_text(part).map_err(reject)?;
    let text = ctx
        .cfg
        .get_mut::<SystemConfig>()
        .banners
        .entry(kind)
        .or_default();
    text.push('\n');
    text.push_str(part);
    if ended {
        *ctx.mode = Mode::global();
    }
    Ok(())
}

/// `banner KIND ^C...^C` for each banner set, in IOS's order.
pub fn render(cfg: &Config, out: &mut Rendered) {
    let banners = &cfg.get::<SystemConfig>().banners;
    if banners.is_empty() {
        return;
    }
    let mut s = String::new();
    for (kind, text) in banners {
        s.push_str(&format!("banner {} ^C{text}^C\n", kind.name()));
    }
    s.push_str("!\n");
    out.block(order::BANNER, s);
}

/// The banners in the typed running configuration: a
/// `lisa.v1.SystemBanners` packed in `RunningConfig.features`.
pub fn typed_view(_: &Registry, cfg: &Config, wanted: &Fields, out: &mut RunningConfig) {
    if !wanted.wants("features") {
        return;
    }
    let banners = &cfg.get::<SystemConfig>().banners;
    let get = |k: BannerKind| banners.get(&k).cloned().unwrap_or_default();
    let msg = SystemBanners {
        motd: get(BannerKind::Motd),
        login: get(BannerKind::Login),
        exec: get(BannerKind::Exec),
        incoming: get(BannerKind::Incoming),
    };
    match Any::from_msg(&msg) {
        Ok(any) => out.features.push(any),
        Err(e) => tracing::error!("typed running config of system: {e}"),
    }
}
