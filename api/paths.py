"""Path parameters. A node's id may hold a `/` (sent as %2F, which the server reads as `/`), so its
routes take the rest of the path; but `/nodes/{Kind}/{id}/neighbours` is the node's neighbours, so
the node's own routes leave that ending to it, and every method there but GET is 405. A staged
import's token has a form of its own, so it never takes a word its neighbours use."""
from typing import Any

from starlette.convertors import Convertor, register_url_convertor

NODE_ID = "node_id"


class NodeIdConvertor(Convertor[str]):
    regex = r"[\s\S]+(?<!/neighbours)"  # any character, a line break too

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: Any) -> str:
        return str(value)


class TokenConvertor(Convertor[str]):
    """A staged import's token (secrets.token_urlsafe(24)): never a word such as "preview", so
    `/imports/preview` is only ever the preview."""

    regex = TOKEN = "[A-Za-z0-9_-]{32}"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: Any) -> str:
        return str(value)


register_url_convertor(NODE_ID, NodeIdConvertor())
register_url_convertor("token", TokenConvertor())
