"""Scripts of the demo city portal.

The template libraries real portals load (avalon, Vue, AngularJS) are replaced by small stand-ins
that do the one thing the pages need — fill `ms-attr-href`, `:href`/`v-bind:href` and `ng-href`
from the page's own data — so the pages work in a browser as they would on a real portal.
`render_hub_script` builds a directory whose links exist only once a browser has run it.
"""
from __future__ import annotations

import base64
import json

# An expression of a template, evaluated with the view model's properties as variables.
_EVALUATE = """function evaluate(expr, scope) {
    var names = Object.keys(scope);
    return Function.apply(null, names.concat("return (" + expr + ");")).apply(null, names.map(function (k) { return scope[k]; }));
  }
  function interpolate(text, scope) {
    return text.replace(/\\{\\{([^}]+)\\}\\}/g, function (_, expr) { return evaluate(expr, scope); });
  }"""

AVALON = f"""/* avalon 1.x stand-in (demo portal): ms-attr-href inside ms-controller blocks, from avalon.define(). */
(function () {{
  {_EVALUATE}
  var models = {{}};
  window.avalon = {{define: function (vm) {{ models[vm.$id] = vm; return vm; }}}};
  document.addEventListener("DOMContentLoaded", function () {{
    document.querySelectorAll("[ms-controller]").forEach(function (root) {{
      var vm = models[root.getAttribute("ms-controller")];
      if (!vm) return;
      root.querySelectorAll("[ms-attr-href]").forEach(function (el) {{
        el.setAttribute("href", interpolate(el.getAttribute("ms-attr-href"), vm));
      }});
    }});
  }});
}})();
"""

VUE = f"""/* Vue stand-in (demo portal): :href and v-bind:href under options.el, from options.data. */
(function () {{
  {_EVALUATE}
  window.Vue = function (options) {{
    var root = document.querySelector(options.el), data = options.data || {{}};
    root.querySelectorAll("*").forEach(function (el) {{
      [":href", "v-bind:href"].forEach(function (name) {{
        if (el.hasAttribute(name)) el.setAttribute("href", evaluate(el.getAttribute(name), data));
      }});
    }});
  }};
}})();
"""

ANGULAR = f"""/* AngularJS stand-in (demo portal): ng-href inside ng-controller, from the controller's $scope. */
(function () {{
  {_EVALUATE}
  window.angular = {{module: function () {{
    return {{controller: function (name, init) {{
      var scope = {{}};
      init(scope);
      document.addEventListener("DOMContentLoaded", function () {{
        document.querySelectorAll('[ng-controller="' + name + '"] [ng-href]').forEach(function (el) {{
          el.setAttribute("href", interpolate(el.getAttribute("ng-href"), scope));
        }});
      }});
      return this;
    }}}};
  }}}};
}})();
"""

LIBRARIES = {"/js/avalon.js": AVALON, "/js/vue.min.js": VUE, "/js/angular.min.js": ANGULAR}

# The org-tree endpoint of the render-only directory; its path appears in the page only as char codes.
ORG_TREE_API = "/interface/orgtree.jsp"


def _codes(text: str) -> str:
    return ", ".join(str(ord(ch)) for ch in text)


def org_tree_answer(root_dir: str, units: list[tuple[str, str]]) -> bytes:
    """The endpoint's JSON: directory and unit codes reversed, names base64 (UTF-8): nothing readable."""
    data = [{"c": key[::-1], "n": base64.b64encode(name.encode()).decode()} for key, name in units]
    return json.dumps({"code": 0, "root": root_dir.strip("/")[::-1], "data": data}).encode()


def render_hub_script(list_id: str) -> str:
    """Fills <ul id=list_id> with links built from the org tree: only a browser that runs it sees them."""
    first, second = ORG_TREE_API.strip("/").removesuffix(".jsp").split("/")
    return f"""<script type="text/javascript">
(function () {{
  function s(a) {{ var r = ""; for (var i = 0; i < a.length; i++) r += String.fromCharCode(a[i]); return r; }}
  function rev(t) {{ return t.split("").reverse().join(""); }}
  function name(b) {{ return new TextDecoder().decode(Uint8Array.from(atob(b), function (c) {{ return c.charCodeAt(0); }})); }}
  var x = new XMLHttpRequest();
  x.open("GET", "/" + s([{_codes(first)}]) + "/" + s([{_codes(second)}]) + "." + s([106, 115, 112]) + "?pid=" + (3 * 7));
  x.onload = function () {{
    var d = JSON.parse(x.responseText), ul = document.getElementById("{list_id}");
    for (var i = 0; i < d.data.length; i++) {{
      var li = document.createElement("li"), a = document.createElement("a");
      a.href = "/" + rev(d.root) + "/" + rev(d.data[i].c) + "/index.html";
      a.target = "_blank";
      a.textContent = name(d.data[i].n);
      li.appendChild(a);
      ul.appendChild(li);
    }}
  }};
  x.send();
}})();
</script>"""


def gklist_script(list_id: str, gklist: dict) -> str:
    """The 部门平台 directory: the object is all there is; the list is drawn from it at run time."""
    return f"""<script type="text/javascript">
var gklist = {json.dumps(gklist, ensure_ascii=False)};
(function () {{
  var ul = document.getElementById("{list_id}");
  for (var url in gklist) {{
    var li = document.createElement("li"), a = document.createElement("a");
    a.href = url;
    a.target = "_blank";
    a.textContent = gklist[url].orgname;
    li.appendChild(a);
    ul.appendChild(li);
  }}
}})();
</script>"""
