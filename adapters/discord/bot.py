"""The Discord bot: application commands, buttons and forms in, core commands out.

``CohortBot`` gets the core (and settings) in its constructor; ``setup_hook`` loads the
command extensions, registers the persistent ``ActionButton`` and, when asked, syncs
the command tree. Every interaction ends in ``run_command``: build the core command
(bad options are answered at once), acknowledge it (an ephemeral defer), run the core
off the event loop, answer privately, post public cards to the cohort channel. Every
error path answers the person.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from adapters.discord import render as r
from adapters.discord.sync import CommandSync
from adapters.discord.views import (
    FORM_CHECKIN,
    FORM_CHECKIN_EDIT,
    FORM_HOURS,
    FORM_PATTERN,
    ActionButton,
    Context,
    checkin_modal,
    hours_modal,
    is_action_id,
    message_has_component,
    modal_values,
)
from bot.commands import HOURS_FORM_BUTTON, button_command, checkin_from_form, hours_from_form
from bot.config import Settings
from bot.domain import commands as c
from bot.domain.actor import Actor
from bot.domain.errors import UsageError, UserError
from bot.messages import Message, Reply, Update
from bot.usecases import APOLOGY, Core

log = logging.getLogger(__name__)

EXTENSIONS = (
    "adapters.discord.ext.checkins",
    "adapters.discord.ext.plans",
    "adapters.discord.ext.cohorts",
)
PLATFORM = "discord"
# Discord drops an interaction that is not answered within 3 s. By default every command
# is acknowledged (an ephemeral defer) as soon as it is parsed, while the core runs, so the
# deadline never depends on the database; the answer follows milliseconds later. A positive
# value answers directly when the core finishes within that many seconds (one HTTP call
# instead of two), and defers only past it.
ACK_DEADLINE = 0.0
MAX_RATELIMIT_WAIT = 30.0  # discord.py's minimum for this setting
SHUTDOWN_GRACE = 5.0  # seconds to finish interactions in flight when stopping

SORRY_AFTER = (
    "Sorry — something went wrong on my side while answering. Check with `/progress` "
    "before trying again."
)
NOT_IN_GUILD = "Use me in your cohort's channel on a server, not in a direct message."
UNKNOWN_BUTTON = (
    "That button isn't one I recognise (it may be from an older version of me). "
    "Nothing was changed; try `/checkin` or `/help`."
)
UNKNOWN_FORM = "I don't recognise that form, so nothing was saved. Open it again with `/checkin`."
FOREIGN_CONTEXT = (
    "There's no cohort here for that button or form: it belongs to another server, "
    "so nothing was changed."
)
IN_A_FORUM = (
    "I can't run a cohort inside a forum post: I post check-ins in the cohort's channel, "
    "and a forum takes posts, not messages. Nothing was started; run `/cohort start` in "
    "a text channel instead."
)
OUTDATED_COMMAND = (
    "That command doesn't match what I know — Discord may still be updating my commands. "
    "Nothing was changed; try again in a minute."
)

Build = Callable[[], c.Command]


def minimal_intents() -> discord.Intents:
    """Only GUILDS: slash commands, buttons and forms arrive as interactions, which need no
    intent at all; GUILDS keeps the channel cache. No message content, members or presences
    (the privileged intents): the bot never reads chat."""
    intents = discord.Intents.none()
    intents.guilds = True
    return intents


class CohortTree(app_commands.CommandTree["CohortBot"]):
    """The command tree, with one error handler that always answers the person."""

    async def on_error(
        self, interaction: discord.Interaction[Any], error: app_commands.AppCommandError
    ) -> None:
        bot: CohortBot = interaction.client
        if isinstance(error, app_commands.CommandInvokeError) and isinstance(
            error.original, UserError
        ):
            await bot.answer_error(interaction, str(error.original))
            return
        if isinstance(error, (app_commands.CommandNotFound, app_commands.CommandSignatureMismatch)):
            await bot.answer_error(interaction, OUTDATED_COMMAND)
        elif isinstance(error, app_commands.NoPrivateMessage):
            await bot.answer_error(interaction, NOT_IN_GUILD)
        elif isinstance(error, app_commands.TransformerError):
            await bot.answer_error(
                interaction, "I couldn't read one of the options. Check it and try again."
            )
        elif isinstance(error, app_commands.CheckFailure):
            await bot.answer_error(interaction, "You can't use that command here.")
        else:
            name = interaction.command.qualified_name if interaction.command else "?"
            log.error("command /%s failed", name, exc_info=error)
            await bot.answer_error(interaction, APOLOGY)


class CohortBot(commands.Bot):
    """cohortbot on Discord. ``core`` does the work; this class only translates."""

    def __init__(
        self,
        *,
        core: Core,
        settings: Settings | None = None,
        sync_store: CommandSync | None = None,
        on_start: Callable[[CohortBot], Awaitable[None] | None] | None = None,
        ack_deadline: float = ACK_DEADLINE,
        **options: Any,
    ) -> None:
        options.setdefault("intents", minimal_intents())
        options.setdefault("allowed_mentions", discord.AllowedMentions.none())
        # Longer rate-limit waits raise instead of sleeping: the outbox retries later.
        options.setdefault("max_ratelimit_timeout", MAX_RATELIMIT_WAIT)
        super().__init__(
            command_prefix=commands.when_mentioned,  # unused: no message content intent
            help_command=None,
            tree_cls=CohortTree,
            **options,
        )
        self.core = core
        self.settings = settings
        self.sync_store = sync_store
        self.on_start = on_start
        self.ack_deadline = ack_deadline
        self._sync_task: asyncio.Task[None] | None = None
        self._in_flight = 0
        self._idle = asyncio.Event()
        self._idle.set()

    # -- start-up ---------------------------------------------------------------------------

    async def setup_hook(self) -> None:
        for name in EXTENSIONS:
            await self.load_extension(name)
        # Buttons on any message ever sent (before a restart too) route through this.
        self.add_dynamic_items(ActionButton)
        if self.sync_store is not None:
            # Beside the bot, never in this hook: a refused or rate-limited sync must not
            # keep the bot from serving with the commands Discord already has.
            self._sync_task = asyncio.create_task(self.sync_store.keep_trying(self))
        if self.on_start is not None:
            started = self.on_start(self)
            if started is not None:
                await started

    @property
    def sync_task(self) -> asyncio.Task[None] | None:
        """The command sync running beside the bot (None when not asked to sync)."""
        return self._sync_task

    async def close(self) -> None:
        """Let interactions already being answered finish (briefly), then disconnect."""
        await self.wait_idle(SHUTDOWN_GRACE)
        if self._sync_task is not None:
            self._sync_task.cancel()
        await super().close()

    async def wait_idle(self, timeout: float) -> bool:
        """True once no interaction is being handled (False if ``timeout`` passed first)."""
        try:
            await asyncio.wait_for(self._idle.wait(), timeout)
        except TimeoutError:
            log.warning("%d interaction(s) still running at shutdown", self._in_flight)
            return False
        return True

    def _begin(self) -> None:
        self._in_flight += 1
        self._idle.clear()

    def _end(self) -> None:
        self._in_flight -= 1
        if self._in_flight == 0:
            self._idle.set()

    # -- who and where ----------------------------------------------------------------------

    def actor(self, interaction: discord.Interaction[Any], context: Context | None = None) -> Actor:
        """The core's Actor: the clicking user, in the cohort channel of this interaction.

        ``context`` (from a button's or form's custom id) names the cohort when the
        interaction happens in a DM. Threads count as their parent channel.
        """
        if context is not None:
            guild_id, channel_id = context.guild_id, context.channel_id
            if interaction.guild_id is not None and str(interaction.guild_id) != guild_id:
                # Discord vouches for where the click happened; an id naming another
                # server's cohort is forged or misrouted, and must not act over there.
                raise UsageError(FOREIGN_CONTEXT)
        elif interaction.guild_id is None:
            raise UsageError(NOT_IN_GUILD)
        else:
            guild_id = str(interaction.guild_id)
            channel = interaction.channel
            parent = getattr(channel, "parent_id", None)
            is_thread = isinstance(channel, discord.Thread) or (
                channel is not None and getattr(channel, "type", None) in _THREAD_TYPES
            )
            channel_id = str(parent if is_thread and parent else interaction.channel_id)
        in_that_guild = interaction.guild_id is not None and str(interaction.guild_id) == guild_id
        user = interaction.user
        return Actor(
            platform=PLATFORM,
            workspace_id=guild_id,
            channel_id=channel_id,
            user_id=str(user.id),
            display_name=user.display_name,
            timezone=None,  # Discord does not share a member's time zone with bots
            platform_admin=in_that_guild and interaction.permissions.manage_guild,
        )

    async def in_a_forum(self, interaction: discord.Interaction[Any]) -> bool:
        """True in a forum or media channel's post: a thread whose parent takes no messages
        (a cohort there would be the forum, where nothing can be posted)."""
        channel = interaction.channel
        parent_id = getattr(channel, "parent_id", None)
        if not isinstance(channel, discord.Thread) or parent_id is None:
            return False
        parent = self.get_channel(parent_id)
        if parent is None:
            try:
                parent = await self.fetch_channel(parent_id)
            except discord.HTTPException:  # unknown: let the start go ahead as before
                return False
        return isinstance(parent, discord.ForumChannel)  # media channels are forums too

    def context_of(self, actor: Actor) -> Context:
        return Context(actor.workspace_id, actor.channel_id)

    # -- the one path every interaction takes -----------------------------------------------

    async def run_command(
        self,
        interaction: discord.Interaction[Any],
        build: Build,
        *,
        context: Context | None = None,
        needs_cohort: bool = True,
    ) -> None:
        """Build the command, run the core off the loop, answer. Never leaves one unanswered."""
        self._begin()
        try:
            await self._run_command(interaction, build, context=context, needs_cohort=needs_cohort)
        finally:
            self._end()

    async def _run_command(
        self,
        interaction: discord.Interaction[Any],
        build: Build,
        *,
        context: Context | None,
        needs_cohort: bool,
    ) -> None:
        try:
            try:
                command = build()
                if needs_cohort or interaction.guild_id is not None or context is not None:
                    actor = self.actor(interaction, context)
                else:  # /help in a DM: no cohort to look up
                    actor = Actor(
                        PLATFORM,
                        "dm",
                        str(interaction.channel_id),
                        str(interaction.user.id),
                        interaction.user.display_name,
                    )
            except UserError as exc:
                await self.answer_error(interaction, str(exc))
                return
            # A form must be the first response, so it can never be deferred.
            can_defer = not isinstance(command, c.OpenCheckInForm)
            if can_defer and (self.core.traits(command).slow or self.ack_deadline <= 0):
                # Acknowledge before the core starts: its thread would compete with this
                # request for the GIL and delay it by a switch interval or more.
                await interaction.response.defer(ephemeral=True, thinking=True)
            work = asyncio.ensure_future(asyncio.to_thread(self.core.run, command, actor))
            work.add_done_callback(_retrieve)  # if we bail out early, its error is still read
            if can_defer and not interaction.response.is_done():
                done, _ = await asyncio.wait({work}, timeout=self.ack_deadline)
                if not done:
                    await interaction.response.defer(ephemeral=True, thinking=True)
            outcome = await work
            if not outcome.ok:
                if outcome.problem != "user":  # the core logged the cause; add where it was
                    log.warning(
                        "interaction %s (%s) answered: %s",
                        interaction.id,
                        _describe(interaction),
                        outcome.problem,
                    )
                await self.answer_error(interaction, outcome.reply.message.text)
                return
            await self.send_reply(interaction, outcome.reply, self.context_of(actor))
        except discord.NotFound as exc:
            # 10062 Unknown interaction: Discord gave up on us; nobody is left to answer.
            log.warning("interaction %s expired before the answer (%s)", interaction.id, exc.code)
        except Exception:
            log.exception("interaction %s (%s) failed", interaction.id, _describe(interaction))
            await self.answer_error(interaction, SORRY_AFTER)

    async def send_reply(
        self, interaction: discord.Interaction[Any], reply: Reply, context: Context
    ) -> None:
        if reply.form is not None:
            if interaction.response.is_done():
                await self.answer_error(
                    interaction, "That took too long to open the form; please run it again."
                )
                return
            modal = checkin_modal(reply.form, context)
            await interaction.response.send_modal(modal)
            # Submissions are routed by custom id in on_interaction, not by this object,
            # so a form opened before a restart still submits.
            modal.stop()
            return
        await self.answer(interaction, reply.message, context)
        if reply.public:
            await self.post_cards(interaction, reply.public, context)
        for update in reply.updates:
            await self.apply_update(interaction, update, context)

    async def answer(
        self, interaction: discord.Interaction[Any], message: Message, context: Context | None
    ) -> None:
        """The private answer: an ephemeral embed (with buttons and files when it has them)."""
        rendered = r.render(message, context=context)
        r.fit_uploads(rendered, interaction.filesize_limit)
        await self._send_ephemeral(interaction, rendered.send_kwargs())

    async def answer_error(self, interaction: discord.Interaction[Any], text: str) -> None:
        """A short ephemeral notice. Must not raise: it is the last resort of every path."""
        try:
            for piece in r.render_error(text):
                await self._send_ephemeral(
                    interaction,
                    {"content": piece, "allowed_mentions": discord.AllowedMentions.none()},
                )
        except discord.HTTPException as exc:
            log.warning(
                "could not answer interaction %s: %s %s", interaction.id, exc.status, exc.code
            )
        except Exception:
            log.exception("could not answer interaction %s", interaction.id)

    async def _send_ephemeral(
        self, interaction: discord.Interaction[Any], kwargs: r.SendKwargs
    ) -> None:
        if interaction.response.is_done():
            await interaction.followup.send(ephemeral=True, **kwargs)
        else:
            await interaction.response.send_message(ephemeral=True, **kwargs)

    async def post_public(
        self, interaction: discord.Interaction[Any], message: Message, context: Context
    ) -> discord.Message | None:
        """One public card in the cohort channel (see ``post_cards``)."""
        posted = await self.post_cards(interaction, (message,), context)
        return posted[0] if posted else None

    async def post_cards(
        self, interaction: discord.Interaction[Any], messages: tuple[Message, ...], context: Context
    ) -> list[discord.Message]:
        """Public cards (a check-in and its celebrations) in the cohort channel, pinging
        nobody, as few messages as Discord allows (up to 10 embeds each).

        A card with a ``ref`` is reported to the core with where it landed, so an edit can
        update it in place. The first refusal stops the rest: the same channel would refuse
        them too, and the person gets one notice that says why.
        """
        posted: list[discord.Message] = []
        try:
            channel = await self._cohort_channel(interaction, context)
            for batch in r.batches([r.render(m, context=context) for m in messages]):
                sent: discord.Message = await channel.send(**batch.rendered.send_kwargs())
                posted.append(sent)
                for index in batch.members:
                    if messages[index].ref:
                        await self._record_post(messages[index].ref or "", sent)
        except (discord.HTTPException, discord.RateLimited, _NotMessageable) as exc:
            log.warning("could not post to channel %s: %s", context.channel_id, _why(exc))
            await self.answer_error(interaction, not_posted(exc))
        return posted

    async def _cohort_channel(self, interaction: discord.Interaction[Any], context: Context) -> Any:
        channel: Any
        if interaction.channel_id is not None and str(interaction.channel_id) == (
            context.channel_id
        ):
            channel = interaction.channel
        else:
            channel_id = int(context.channel_id)
            channel = self.get_channel(channel_id) or await self.fetch_channel(channel_id)
        if not isinstance(channel, discord.abc.Messageable):
            raise _NotMessageable
        return channel

    async def apply_update(
        self, interaction: discord.Interaction[Any], update: Update, context: Context
    ) -> None:
        """Edit an earlier card in place; if it was deleted (Unknown Message), post it anew."""
        rendered = r.render(update.message, context=context)
        try:
            channel = self.get_partial_messageable(int(update.channel_id))
            await channel.get_partial_message(int(update.message_id)).edit(**rendered.edit_kwargs())
            return
        except discord.NotFound:
            log.info("card %s was deleted; posting the edit as a new card", update.message_id)
        except (discord.HTTPException, discord.RateLimited, ValueError) as exc:
            log.warning("could not edit message %s: %s", update.message_id, exc)
            await self.answer_error(
                interaction, "Saved — but I couldn't update the card in the cohort channel."
            )
            return
        if update.repost:
            await self.post_public(interaction, update.message, context)

    async def _record_post(self, ref: str, posted: discord.Message) -> None:
        try:
            await asyncio.to_thread(
                self.core.record_post, ref, str(posted.channel.id), str(posted.id)
            )
        except Exception:  # the card is out; a later edit will post anew instead
            log.exception("recording where %s was posted failed", ref.partition(":")[0])

    # -- buttons ----------------------------------------------------------------------------

    async def run_action(
        self, interaction: discord.Interaction[Any], action: str, context: Context | None
    ) -> None:
        """A button click: one of the core's action ids."""
        if action == HOURS_FORM_BUTTON:
            try:
                actor = self.actor(interaction, context)
                modal = hours_modal(self.context_of(actor))
                await interaction.response.send_modal(modal)
                modal.stop()
            except UserError as exc:
                await self.answer_error(interaction, str(exc))
            except Exception:
                log.exception("opening the hours form failed")
                await self.answer_error(interaction, APOLOGY)
            return
        command = button_command(action)
        if command is None:
            await self.answer_error(interaction, UNKNOWN_BUTTON)
            return
        await self.run_command(interaction, lambda: command, context=context)

    # -- forms and anything discord.py does not route ---------------------------------------

    async def on_interaction(self, interaction: discord.Interaction[Any]) -> None:
        """Modal submissions, and component clicks no handler will answer (forged, stale)."""
        data: dict[str, Any] = interaction.data or {}  # type: ignore[assignment]
        if interaction.type is discord.InteractionType.modal_submit:
            await self.submit_form(interaction, str(data.get("custom_id", "")), data)
        elif interaction.type is discord.InteractionType.component:
            custom_id = str(data.get("custom_id", ""))
            if not (
                is_action_id(custom_id) and message_has_component(interaction.message, custom_id)
            ):
                log.info("unknown component %r from user %s", custom_id[:100], interaction.user.id)
                await self.answer_error(interaction, UNKNOWN_BUTTON)

    async def submit_form(
        self, interaction: discord.Interaction[Any], custom_id: str, data: dict[str, Any]
    ) -> None:
        match = FORM_PATTERN.fullmatch(custom_id)
        kind = match.group("kind") if match else None
        if match is None or kind not in (FORM_CHECKIN, FORM_CHECKIN_EDIT, FORM_HOURS):
            log.info("unknown form %r from user %s", custom_id[:100], interaction.user.id)
            await self.answer_error(interaction, UNKNOWN_FORM)
            return
        values = modal_values(data)
        build: Build
        if kind == FORM_HOURS:

            def build() -> c.Command:
                return hours_from_form(values)
        else:

            def build() -> c.Command:
                return checkin_from_form(values, edit=kind == FORM_CHECKIN_EDIT)

        await self.run_command(interaction, build, context=Context.from_match(match))


class _NotMessageable(Exception):
    """The cohort channel is a forum or media channel: it takes threads, not messages."""


NOT_POSTED = "Saved — but I couldn't post it in the cohort channel"


def not_posted(exc: Exception) -> str:
    """Why a card is not in the cohort channel, in words an admin can act on."""
    if isinstance(exc, discord.RateLimited) or (
        isinstance(exc, discord.HTTPException) and exc.status == 429
    ):
        return f"{NOT_POSTED}: Discord asked me to slow down. It will show in `/progress`."
    if isinstance(exc, _NotMessageable):
        return (
            f"{NOT_POSTED}: it is a forum, where I can only post inside a post. An admin "
            "can start the cohort in a text channel instead."
        )
    assert isinstance(exc, discord.HTTPException)
    if exc.code == 50001:
        return (
            f"{NOT_POSTED}: I can't see it (Missing Access). An admin may need to add me "
            "to the channel with View Channel."
        )
    if exc.code == 10003 or exc.status == 404:
        return f"{NOT_POSTED}: the channel no longer exists."
    if exc.status == 403:
        return f"{NOT_POSTED}. An admin may need to give me Send Messages and Embed Links there."
    if exc.status >= 500:
        return f"{NOT_POSTED}: Discord had a problem on its side."
    return f"{NOT_POSTED}: Discord refused it ({exc.status})."


def _why(exc: Exception) -> str:
    if isinstance(exc, discord.HTTPException):
        return f"{exc.status} {exc.code}"
    if isinstance(exc, discord.RateLimited):
        return f"rate limited for {exc.retry_after:.0f} s"
    return type(exc).__name__


_THREAD_TYPES = {
    discord.ChannelType.public_thread,
    discord.ChannelType.private_thread,
    discord.ChannelType.news_thread,
}


def _retrieve(future: asyncio.Future[Any]) -> None:
    if not future.cancelled():
        future.exception()


def _describe(interaction: discord.Interaction[Any]) -> str:
    """What the interaction was, for logs: never its token or the text people typed."""
    if interaction.command is not None:
        return f"/{interaction.command.qualified_name}"
    data: dict[str, Any] = interaction.data or {}  # type: ignore[assignment]
    return f"{interaction.type.name} {str(data.get('custom_id', ''))[:60]}"
