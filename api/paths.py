"""Path parameters. A node's id may hold a `/` (sent as %2F, which the server reads as `/`), so its
routes take the rest of the path; but `/nodes/{Kind}/{id}/neighbours` is the node's neighbours, so
the node's own routes leave that ending to it, and every method there but GET is 405."""
from typing import Any

from starlette.convertors import Convertor, register_url_convertor

NODE_ID = "node_id"


class NodeIdConvertor(Convertor[str]):
    regex = r".+(?<!/neighbours)"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: Any) -> str:
        return str(value)


register_url_convertor(NODE_ID, NodeIdConvertor())
