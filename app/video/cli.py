"""`flask video …` commands."""
import click

from app.video import services


def register(app) -> None:
    group = click.Group("video", help="Video calls through Janus.")

    @group.command("expire")
    def expire() -> None:
        """Revoke the Janus tokens of calls that closed or of people no longer in them, and stop the forwards and
        ffmpeg of stages whose pitch is off stage (run every minute)."""
        from app.video import streaming
        click.echo(f"{services.expire_tokens()} tokens revoked")
        stages = streaming.sweep()
        if stages:  # this machine runs ffmpeg for some stages: those off stage or over were stopped
            click.echo(f"{stages} stages with HLS here checked")

    @group.command("status")
    def status() -> None:
        """Say which Janus instances are configured and whether each answers."""
        from app.video.janus import JanusError
        if not services.video_enabled():
            click.echo("video is off (no JANUS_URLS/JANUS_ADMIN_URLS, or VIDEO_ENABLED=0)")
        for janus in services.instances():
            try:
                info = janus.info()
                tokens = len(janus.list_tokens())
                click.echo(f"{janus.http_url}: {info.get('version_string')}, {tokens} tokens")
            except JanusError as error:
                click.echo(f"{janus.http_url}: {error}")

    app.cli.add_command(group)
