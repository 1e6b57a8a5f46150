package dev.mcr.delivery;

import dev.mcr.notify.Notifier;
import java.net.URI;
import java.util.List;
import java.util.Map;

/** The channel types every instance has. */
public final class BuiltInChannels {

    private BuiltInChannels() {
    }

    /**
     * Returns the built-in channels: Pushover, webhook, ntfy, Gotify, Slack, Discord, Telegram, e-mail.
     *
     * @param pushoverUrl  the Pushover messages endpoint
     * @param apiOverrides base URLs of channels with a fixed remote, by type ({@code "telegram"}), for tests
     * @return the channels in the order the type chooser lists them
     */
    public static List<Notifier> all(URI pushoverUrl, Map<String, URI> apiOverrides) {
        return List.of(new PushoverNotifier(pushoverUrl), new WebhookChannel(), new ChatChannels.Ntfy(),
                new ChatChannels.Gotify(), new ChatChannels.Slack(), new ChatChannels.Discord(),
                new ChatChannels.Telegram(apiOverrides.get("telegram")), new SmtpChannel(ChannelHttp.DEFAULT_TIMEOUT));
    }
}
